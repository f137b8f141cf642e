package distance

import "github.com/contrast-ml/contrast/ag"

// Dot is the inner product similarity.
type Dot struct{}

func (Dot) String() string   { return "dot" }
func (Dot) Similarity() bool { return true }

// Matrix returns a b^T.
func (Dot) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var {
	checkRows("Dot", a, b, false)
	return t.MatMul(a, b, false, true)
}

// Pairs returns the row-wise inner products.
func (Dot) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var {
	n, _, d := checkRows("Dot.Pairs", a, b, true)
	out := t.NewOutput("DotPairs", n)
	o, x, y := out.Value.Data, a.Value.Data, b.Value.Data
	for i := range n {
		var s float32
		for k := range d {
			s += x[i*d+k] * y[i*d+k]
		}
		o[i] = s
	}
	t.Record(out, func(g []float32) {
		if ga := t.GradOf(a); ga != nil {
			for i := range n {
				for k := range d {
					ga[i*d+k] += g[i] * y[i*d+k]
				}
			}
		}
		if gb := t.GradOf(b); gb != nil {
			for i := range n {
				for k := range d {
					gb[i*d+k] += g[i] * x[i*d+k]
				}
			}
		}
	}, a, b)
	return out
}
