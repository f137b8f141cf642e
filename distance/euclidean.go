package distance

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
)

// SquaredEuclidean is ||a - b||^2.
type SquaredEuclidean struct{}

func (SquaredEuclidean) String() string   { return "squared-euclidean" }
func (SquaredEuclidean) Similarity() bool { return false }

// Matrix returns ||a_i||^2 + ||b_j||^2 - 2 a_i.b_j, clamped at 0, computed with one
// sgemm; the backward is d/da_i = 2 sum_j g_ij (a_i - b_j), and likewise for b.
func (SquaredEuclidean) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var {
	return sqMatrix(t, a, b, false)
}

// Pairs returns ||a_i - b_i||^2.
func (SquaredEuclidean) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqPairs(t, a, b, false) }

// Euclidean is ||a - b||, with the square root taken of max(||a-b||^2, 1e-12) so
// that the gradient stays finite at zero distance (as the PyTorch references do).
type Euclidean struct{}

func (Euclidean) String() string   { return "euclidean" }
func (Euclidean) Similarity() bool { return false }

// Matrix returns the Euclidean distance table.
func (Euclidean) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqMatrix(t, a, b, true) }

// Pairs returns ||a_i - b_i||.
func (Euclidean) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqPairs(t, a, b, true) }

const sqrtFloor = 1e-12

func sqMatrix(t *ag.Tape, a, b *ag.Var, root bool) *ag.Var {
	n, m, d := checkRows("Euclidean", a, b, false)
	name := "SquaredEuclidean"
	if root {
		name = "Euclidean"
	}
	out := t.NewOutput(name, n, m)
	o, x, y := out.Value.Data, a.Value.Data, b.Value.Data
	kernels.Sgemm(false, true, n, m, d, -2, x, d, y, d, 0, o, m)
	na, nb := rowNorms2(t, x, n, d), rowNorms2(t, y, m, d)
	for i := range n {
		for j := range m {
			v := max(o[i*m+j]+na[i]+nb[j], 0)
			if root {
				v = float32(math.Sqrt(float64(max(v, sqrtFloor))))
			}
			o[i*m+j] = v
		}
	}
	t.Record(out, func(g []float32) {
		// h_ij = dL/d(squared distance): zero where the clamp at 0 was active.
		h := t.Scratch(n * m)
		for i := range n * m {
			v, gi := o[i], g[i]
			switch {
			case root && v*v > sqrtFloor:
				h[i] = gi / (2 * v)
			case !root && v > 0:
				h[i] = gi
			default:
				h[i] = 0
			}
		}
		if ga := t.GradOf(a); ga != nil {
			// ga_i += 2 (rowsum(h)_i a_i - (h b)_i)
			kernels.Sgemm(false, false, n, d, m, -2, h, m, y, d, 1, ga, d)
			for i := range n {
				var s float32
				for _, v := range h[i*m : (i+1)*m] {
					s += v
				}
				for k := range d {
					ga[i*d+k] += 2 * s * x[i*d+k]
				}
			}
		}
		if gb := t.GradOf(b); gb != nil {
			kernels.Sgemm(true, false, m, d, n, -2, h, m, x, d, 1, gb, d)
			cs := t.Scratch(m)
			clear(cs)
			for i := range n {
				for j, v := range h[i*m : (i+1)*m] {
					cs[j] += v
				}
			}
			for j := range m {
				for k := range d {
					gb[j*d+k] += 2 * cs[j] * y[j*d+k]
				}
			}
		}
	}, a, b)
	return out
}

func rowNorms2(t *ag.Tape, x []float32, n, d int) []float32 {
	r := t.Scratch(n)
	for i := range n {
		var s float32
		for _, v := range x[i*d : (i+1)*d] {
			s += v * v
		}
		r[i] = s
	}
	return r
}

func sqPairs(t *ag.Tape, a, b *ag.Var, root bool) *ag.Var {
	n, _, d := checkRows("Euclidean.Pairs", a, b, true)
	out := t.NewOutput("EuclideanPairs", n)
	o, x, y := out.Value.Data, a.Value.Data, b.Value.Data
	for i := range n {
		var s float32
		for k := range d {
			e := x[i*d+k] - y[i*d+k]
			s += e * e
		}
		if root {
			s = float32(math.Sqrt(float64(max(s, sqrtFloor))))
		}
		o[i] = s
	}
	t.Record(out, func(g []float32) {
		ga, gb := t.GradOf(a), t.GradOf(b)
		for i := range n {
			h := 2 * g[i]
			if root {
				if o[i]*o[i] <= sqrtFloor {
					continue
				}
				h = g[i] / o[i]
			}
			for k := range d {
				e := h * (x[i*d+k] - y[i*d+k])
				if ga != nil {
					ga[i*d+k] += e
				}
				if gb != nil {
					gb[i*d+k] -= e
				}
			}
		}
	}, a, b)
	return out
}
