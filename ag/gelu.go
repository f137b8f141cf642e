package ag

import (
	"fmt"
	"math"
)

// GELUApprox selects how GELU evaluates the Gaussian CDF Φ.
type GELUApprox int

const (
	// GELUExact uses Φ(x) = (1 + erf(x/√2))/2, PyTorch's approximate="none".
	GELUExact GELUApprox = iota
	// GELUTanh uses (1 + tanh(√(2/π)(x + 0.044715x³)))/2, PyTorch's
	// approximate="tanh" and the form BERT and GPT-2 were trained with.
	GELUTanh
)

func (g GELUApprox) String() string {
	switch g {
	case GELUExact:
		return "exact"
	case GELUTanh:
		return "tanh"
	}
	return fmt.Sprintf("GELUApprox(%d)", int(g))
}

const (
	sqrt2        = 1.4142135623730951
	sqrt2OverPi  = 0.7978845608028654 // √(2/π)
	invSqrt2Pi   = 0.3989422804014327 // 1/√(2π)
	geluTanhCoef = 0.044715
)

// GELU returns the Gaussian error linear unit x·Φ(x) element-wise (Hendrycks &
// Gimpel 2016, arXiv 1606.08415), with Φ exact or tanh-approximated. It panics on
// an unknown approx.
func (t *Tape) GELU(a *Var, approx GELUApprox) *Var {
	switch approx {
	case GELUExact:
		return t.unary("GELU", a, geluExact, geluExactGrad)
	case GELUTanh:
		return t.unary("GELU", a, geluTanh, geluTanhGrad)
	}
	panic(fmt.Sprintf("ag: GELU: unknown approximation %v (shape %v)", approx, a.Shape()))
}

func geluExact(x float32) float32 {
	v := float64(x)
	return float32(0.5 * v * (1 + math.Erf(v/sqrt2)))
}

// geluExactGrad is Φ(x) + x·φ(x).
func geluExactGrad(x, _ float32) float32 {
	v := float64(x)
	return float32(0.5*(1+math.Erf(v/sqrt2)) + v*invSqrt2Pi*math.Exp(-0.5*v*v))
}

func geluTanh(x float32) float32 {
	v := float64(x)
	return float32(0.5 * v * (1 + math.Tanh(sqrt2OverPi*(v+geluTanhCoef*v*v*v))))
}

// geluTanhGrad differentiates 0.5x(1+tanh(u)), u = √(2/π)(x+0.044715x³).
func geluTanhGrad(x, _ float32) float32 {
	v := float64(x)
	th := math.Tanh(sqrt2OverPi * (v + geluTanhCoef*v*v*v))
	return float32(0.5*(1+th) + 0.5*v*(1-th*th)*sqrt2OverPi*(1+3*geluTanhCoef*v*v))
}
