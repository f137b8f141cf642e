package distance

import "github.com/contrast-ml/contrast/ag"

// Cosine is the cosine similarity: the inner product of L2-normalised rows.
type Cosine struct{}

func (Cosine) String() string   { return "cosine" }
func (Cosine) Similarity() bool { return true }

// Matrix returns normalize(a) normalize(b)^T.
func (Cosine) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var {
	checkRows("Cosine", a, b, false)
	na := t.L2Normalize(a, 1e-12)
	nb := na
	if b != a {
		nb = t.L2Normalize(b, 1e-12)
	}
	return t.MatMul(na, nb, false, true)
}

// Pairs returns the cosine of each pair of matching rows.
func (Cosine) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var {
	checkRows("Cosine.Pairs", a, b, true)
	return Dot{}.Pairs(t, t.L2Normalize(a, 1e-12), t.L2Normalize(b, 1e-12))
}
