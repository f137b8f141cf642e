package ag

import (
	"math"
)

// Softmax returns exp(x_i) / Σ_j exp(x_j) along axis (negative counts from the
// end), computed stably by subtracting each group's maximum first. A group that
// is all -Inf gives NaN, as in PyTorch.
func (t *Tape) Softmax(a *Var, axis int) *Var {
	return t.softmax("Softmax", a, axis, false)
}

// LogSoftmax returns x_i - log Σ_j exp(x_j) along axis, stably; prefer it (or
// CrossEntropy) over Log(Softmax(x)), which underflows to -Inf.
func (t *Tape) LogSoftmax(a *Var, axis int) *Var {
	return t.softmax("LogSoftmax", a, axis, true)
}

func (t *Tape) softmax(op string, a *Var, axis int, logOut bool) *Var {
	axis = axisOf(op, a.Shape(), axis)
	outer, n, inner := splitAxis(a.Shape(), axis)
	out := t.newVar(op, a.Shape()...)
	x, y := valueOf(a), out.Value.Data
	for o := range outer {
		for j := range inner {
			base := o*n*inner + j
			if inner == 1 {
				softmaxRow(y[base:base+n], x[base:base+n], logOut)
			} else {
				softmaxStrided(y, x, base, n, inner, logOut)
			}
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for o := range outer {
			for j := range inner {
				base := o*n*inner + j
				if inner == 1 {
					softmaxRowBack(dx[base:base+n], g[base:base+n], y[base:base+n], logOut)
				} else {
					softmaxStridedBack(dx, g, y, base, n, inner, logOut)
				}
			}
		}
	}, a)
	return out
}

// rowMax is the largest element of a non-empty row; NaN is skipped here and
// propagates through the sum of exponentials instead.
func rowMax(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		}
	}
	return m
}

// softmaxRow writes softmax (or log-softmax) of the contiguous row x into y.
func softmaxRow(y, x []float32, logOut bool) {
	if len(x) == 0 {
		return
	}
	y = y[:len(x)]
	m := rowMax(x)
	var s float64
	if logOut {
		for _, v := range x {
			s += float64(exp32(v - m))
		}
		ls := float32(math.Log(s))
		for i, v := range x {
			y[i] = (v - m) - ls
		}
		return
	}
	for i, v := range x {
		e := exp32(v - m)
		y[i] = e
		s += float64(e)
	}
	inv := float32(1 / s)
	for i := range y {
		y[i] *= inv
	}
}

// softmaxRowBack accumulates the input gradient of a softmax row:
// softmax: dx = y ⊙ (g - <g, y>); log-softmax: dx = g - softmax(x)·Σg.
func softmaxRowBack(dx, g, y []float32, logOut bool) {
	g, y = g[:len(dx)], y[:len(dx)]
	var s float32
	if logOut {
		for _, v := range g {
			s += v
		}
		for i, v := range y {
			dx[i] += g[i] - exp32(v)*s
		}
		return
	}
	for i, v := range g {
		s += v * y[i]
	}
	for i, v := range y {
		dx[i] += v * (g[i] - s)
	}
}

// softmaxStrided is softmaxRow for the group x[base + i*stride], i < n.
func softmaxStrided(y, x []float32, base, n, stride int, logOut bool) {
	if n == 0 {
		return
	}
	m := float32(math.Inf(-1))
	for i := range n {
		if v := x[base+i*stride]; v > m {
			m = v
		}
	}
	var s float64
	for i := range n {
		e := exp32(x[base+i*stride] - m)
		if !logOut {
			y[base+i*stride] = e
		}
		s += float64(e)
	}
	if logOut {
		ls := float32(math.Log(s))
		for i := range n {
			y[base+i*stride] = (x[base+i*stride] - m) - ls
		}
		return
	}
	inv := float32(1 / s)
	for i := range n {
		y[base+i*stride] *= inv
	}
}

// softmaxStridedBack is softmaxRowBack for a strided group.
func softmaxStridedBack(dx, g, y []float32, base, n, stride int, logOut bool) {
	var s float32
	for i := range n {
		k := base + i*stride
		if logOut {
			s += g[k]
		} else {
			s += g[k] * y[k]
		}
	}
	for i := range n {
		k := base + i*stride
		if logOut {
			dx[k] += g[k] - exp32(y[k])*s
		} else {
			dx[k] += y[k] * (g[k] - s)
		}
	}
}
