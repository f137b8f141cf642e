package eval

import "math"

// lbfgsSettings configures minimizeLBFGS.
type lbfgsSettings struct {
	maxIter int     // iterations (line searches)
	gradTol float64 // stop when max |g_i| <= gradTol
	memory  int     // correction pairs kept
}

// lbfgsOutcome reports how minimizeLBFGS ended.
type lbfgsOutcome struct {
	f          float64
	iterations int
	evals      int
	converged  bool // gradient tolerance met
}

// minimizeLBFGS minimises a smooth function with limited-memory BFGS
// (Liu & Nocedal 1989, "On the limited memory BFGS method for large scale
// optimization"): two-loop recursion with the Shanno-Phua initial scaling
// γ = sᵀy / yᵀy, and a backtracking line search with the Armijo condition.
// fg writes the gradient at x into g and returns f(x). x is updated in place.
// Everything is deterministic.
func minimizeLBFGS(x []float64, fg func(x, g []float64) float64, st lbfgsSettings) lbfgsOutcome {
	n := len(x)
	g := make([]float64, n)
	f := fg(x, g)
	out := lbfgsOutcome{evals: 1}
	m := st.memory
	s := make([][]float64, 0, m)
	y := make([][]float64, 0, m)
	rho := make([]float64, 0, m)
	alpha := make([]float64, m)
	d := make([]float64, n)
	xNew := make([]float64, n)
	gNew := make([]float64, n)
	tmpS := make([]float64, n)
	tmpY := make([]float64, n)
	bestG, sinceBest := normInf(g), 0
	for out.iterations < st.maxIter {
		if normInf(g) <= st.gradTol {
			break
		}
		// d = -H g by the two-loop recursion.
		copy(d, g)
		for i := len(s) - 1; i >= 0; i-- {
			alpha[i] = rho[i] * dot(s[i], d)
			axpy(-alpha[i], y[i], d)
		}
		gamma := 1.0
		if k := len(s) - 1; k >= 0 {
			gamma = dot(s[k], y[k]) / dot(y[k], y[k])
		} else {
			gamma = 1 / math.Max(1, norm2(g)) // first step: length at most 1
		}
		for i := range d {
			d[i] *= gamma
		}
		for i := range s {
			b := rho[i] * dot(y[i], d)
			axpy(alpha[i]-b, s[i], d)
		}
		for i := range d {
			d[i] = -d[i]
		}
		slope := dot(g, d)
		if !(slope < 0) { // not a descent direction: restart from steepest descent
			s, y, rho = s[:0], y[:0], rho[:0]
			for i := range d {
				d[i] = -g[i]
			}
			slope = -dot(g, g)
		}
		// Backtracking line search. A step is accepted on the Armijo condition
		// (c1 = 1e-4) or, once f differences sink into rounding noise near the
		// optimum, on the approximate Wolfe conditions of Hager & Zhang 2005
		// ("A new conjugate gradient method with guaranteed descent and an
		// efficient line search", SIAM J. Optim. 16(1)), which use the slope
		// g(x+αd)·d: -0.9|φ'(0)| <= φ'(α) <= 0.8|φ'(0)| with f allowed to rise by
		// at most 1e-6|f|. The objectives here sum float32 products, so f is
		// only accurate to ~1e-7 relative while the gradient stays informative.
		step := 1.0
		var fNew float64
		accepted := false
		for try := 0; try < 40; try++ {
			for i := range x {
				xNew[i] = x[i] + step*d[i]
			}
			fNew = fg(xNew, gNew)
			out.evals++
			if fNew <= f+1e-4*step*slope {
				accepted = true
				break
			}
			if s1 := dot(gNew, d); fNew <= f+1e-6*math.Abs(f) && s1 >= 0.9*slope && s1 <= -0.8*slope {
				accepted = true
				break
			}
			step *= 0.5
		}
		out.iterations++
		if !accepted {
			break // no decrease at working precision: stop where we are
		}
		for i := range x {
			tmpS[i] = xNew[i] - x[i]
			tmpY[i] = gNew[i] - g[i]
		}
		// Keep the correction pair only if it keeps H positive definite.
		if sy := dot(tmpS, tmpY); sy > 1e-12*norm2(tmpS)*norm2(tmpY) {
			var sk, yk []float64
			if len(s) == m { // recycle the oldest pair's storage
				sk, yk = s[0], y[0]
				s, y, rho = s[1:], y[1:], rho[1:]
			} else {
				sk, yk = make([]float64, n), make([]float64, n)
			}
			copy(sk, tmpS)
			copy(yk, tmpY)
			s, y, rho = append(s, sk), append(y, yk), append(rho, 1/sy)
		}
		copy(x, xNew)
		copy(g, gNew)
		f = fNew
		// Stop when the gradient has not improved for 20 iterations (noise floor).
		if gn := normInf(g); gn < bestG {
			bestG, sinceBest = gn, 0
		} else if sinceBest++; sinceBest >= 20 {
			break
		}
	}
	out.converged = normInf(g) <= st.gradTol
	out.f = f
	return out
}

func dot(a, b []float64) float64 {
	var s float64
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

func axpy(a float64, x, y []float64) {
	for i, v := range x {
		y[i] += a * v
	}
}

func norm2(a []float64) float64 { return math.Sqrt(dot(a, a)) }

func normInf(a []float64) float64 {
	var m float64
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
