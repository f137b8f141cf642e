package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// BarlowTwins drives the cross-correlation matrix C of two views' embeddings,
// each standardised along the batch, towards the identity (Zbontar et al. 2021,
// arXiv 2103.03230): sum_i (1 - C_ii)^2 + Lambda sum_{i!=j} C_ij^2.
type BarlowTwins struct{ Lambda float32 }

// NewBarlowTwins validates lambda (the paper uses 5e-3).
func NewBarlowTwins(lambda float32) (BarlowTwins, error) {
	if !(lambda >= 0) {
		return BarlowTwins{}, fmt.Errorf("loss: Barlow Twins lambda must be >= 0, got %v", lambda)
	}
	return BarlowTwins{Lambda: lambda}, nil
}

// Forward returns the loss of z1 and z2, both (n, d) with n >= 2.
func (l BarlowTwins) Forward(t *ag.Tape, z1, z2 *ag.Var) *ag.Var {
	if z1.Value.Dims() != 2 || !sameShape(z1, z2) || z1.Shape()[0] < 2 {
		panic(fmt.Sprintf("loss: BarlowTwins: shapes %v and %v", z1.Shape(), z2.Shape()))
	}
	n, d := z1.Shape()[0], z1.Shape()[1]
	c := t.Scale(t.MatMul(standardize(t, z1), standardize(t, z2), true, false), 1/float32(n)) // (d, d)
	eye, off := tensor.New(d, d), tensor.Full(1, d, d)
	for i := range d {
		eye.Set(1, i, i)
		off.Set(0, i, i)
	}
	onDiag := t.Sum(t.Mul(t.Pow(t.Sub(ag.Const(eye), c), 2), ag.Const(eye)), false)
	offDiag := t.Sum(t.Mul(t.Pow(c, 2), ag.Const(off)), false)
	return t.Add(onDiag, t.Scale(offDiag, l.Lambda))
}

// standardize subtracts each column's batch mean and divides by its (biased)
// standard deviation, as BatchNorm1d without affine parameters does.
func standardize(t *ag.Tape, z *ag.Var) *ag.Var {
	c := t.Sub(z, t.Mean(z, true, 0))
	std := t.Sqrt(t.AddScalar(t.Mean(t.Mul(c, c), true, 0), 1e-5))
	return t.Div(c, std)
}
