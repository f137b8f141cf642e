package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// VICReg is variance-invariance-covariance regularisation (Bardes, Ponce &
// LeCun 2022, arXiv 2105.04906): Sim * MSE(z1, z2) + Var * (v(z1) + v(z2)) +
// Cov * (c(z1) + c(z2)), where v is the mean hinge max(0, 1 - sqrt(var_j + 1e-4))
// over dimensions and c the sum of squared off-diagonal covariances over d.
type VICReg struct{ Sim, Var, Cov float32 }

// NewVICReg validates the weights (the paper uses 25, 25, 1).
func NewVICReg(sim, variance, cov float32) (VICReg, error) {
	if !(sim >= 0 && variance >= 0 && cov >= 0) {
		return VICReg{}, fmt.Errorf("loss: VICReg weights must be >= 0, got %v %v %v", sim, variance, cov)
	}
	return VICReg{Sim: sim, Var: variance, Cov: cov}, nil
}

// Forward returns the loss of z1 and z2, both (n, d) with n >= 2.
func (l VICReg) Forward(t *ag.Tape, z1, z2 *ag.Var) *ag.Var {
	if z1.Value.Dims() != 2 || !sameShape(z1, z2) || z1.Shape()[0] < 2 {
		panic(fmt.Sprintf("loss: VICReg: shapes %v and %v", z1.Shape(), z2.Shape()))
	}
	diff := t.Sub(z1, z2)
	inv := t.Mean(t.Mul(diff, diff), false)
	v := t.Add(vicVar(t, z1), vicVar(t, z2))
	c := t.Add(vicCov(t, z1), vicCov(t, z2))
	return t.Add(t.Add(t.Scale(inv, l.Sim), t.Scale(v, l.Var)), t.Scale(c, l.Cov))
}

// vicVar is mean_j max(0, 1 - sqrt(Var_j(z) + 1e-4)), with the unbiased variance.
func vicVar(t *ag.Tape, z *ag.Var) *ag.Var {
	n := z.Shape()[0]
	c := t.Sub(z, t.Mean(z, true, 0))
	variance := t.Scale(t.Sum(t.Mul(c, c), false, 0), 1/float32(n-1))
	std := t.Sqrt(t.AddScalar(variance, 1e-4))
	return t.Mean(t.ReLU(t.AddScalar(t.Scale(std, -1), 1)), false)
}

// vicCov is sum_{i!=j} Cov(z)_ij^2 / d.
func vicCov(t *ag.Tape, z *ag.Var) *ag.Var {
	n, d := z.Shape()[0], z.Shape()[1]
	c := t.Sub(z, t.Mean(z, true, 0))
	cov := t.Scale(t.MatMul(c, c, true, false), 1/float32(n-1))
	off := tensor.Full(1, d, d)
	for i := range d {
		off.Set(0, i, i)
	}
	return t.Scale(t.Sum(t.Mul(t.Mul(cov, cov), ag.Const(off)), false), 1/float32(d))
}
