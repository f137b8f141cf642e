package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// NegCosine is the negative cosine similarity -mean_i cos(p_i, z_i) of SimSiam
// (Chen & He 2021, arXiv 2011.10566). BYOL's normalised MSE (Grill et al. 2020,
// arXiv 2006.07733) is 2 + 2*NegCosine. Stop the gradient through z (ag.Detach)
// where the method asks for it.
type NegCosine struct{}

// Forward returns the scalar loss of p and z, both (n, d).
func (NegCosine) Forward(t *ag.Tape, p, z *ag.Var) *ag.Var {
	if p.Value.Dims() != 2 || !sameShape(p, z) {
		panic(fmt.Sprintf("loss: NegCosine: shapes %v and %v", p.Shape(), z.Shape()))
	}
	cos := t.Dot(t.L2Normalize(p, 1e-12), t.L2Normalize(z, 1e-12))
	return t.Scale(t.Mean(cos, false), -1)
}

func sameShape(a, b *ag.Var) bool {
	if len(a.Shape()) != len(b.Shape()) {
		return false
	}
	for i, d := range a.Shape() {
		if b.Shape()[i] != d {
			return false
		}
	}
	return true
}
