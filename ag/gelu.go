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
// an unknown approx. The forward keeps Φ(x) (or the tanh) for the backward pass,
// which then needs one exponential per element and no erf or tanh.
func (t *Tape) GELU(a *Var, approx GELUApprox) *Var {
	if approx != GELUExact && approx != GELUTanh {
		panic(fmt.Sprintf("ag: GELU: unknown approximation %v (shape %v)", approx, a.Shape()))
	}
	out := t.newVar("GELU", a.Shape()...)
	x, y := valueOf(a), out.Value.Data
	var keep []float32 // Φ(x) (exact) or tanh(u) (tanh form), for the backward pass
	if t.grad && a.needsGrad {
		keep = t.scratch(len(x))
	}
	for i, v := range x {
		var c float32
		if approx == GELUExact {
			c = float32(0.5 * (1 + math.Erf(float64(v)/sqrt2)))
			y[i] = v * c
		} else {
			c = tanh32(sqrt2OverPi * (v + geluTanhCoef*v*v*v))
			y[i] = 0.5 * v * (1 + c)
		}
		if keep != nil {
			keep[i] = c
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		if approx == GELUExact {
			// d/dx xΦ(x) = Φ(x) + x·φ(x)
			for i, v := range x {
				dx[i] += g[i] * (keep[i] + v*invSqrt2Pi*exp32(-0.5*v*v))
			}
			return
		}
		// d/dx 0.5x(1+tanh u) = 0.5(1+tanh u) + 0.5x(1-tanh² u)·u'
		for i, v := range x {
			th := keep[i]
			du := sqrt2OverPi * (1 + 3*geluTanhCoef*v*v)
			dx[i] += g[i] * (0.5*(1+th) + 0.5*v*(1-th*th)*du)
		}
	}, a)
	return out
}

// tanh32 is tanh in float32 through exp32, accurate to about 1e-7 absolute
// (relative accuracy is lower near 0, where tanh u ≈ u, which GELU only uses
// inside 1 + tanh).
func tanh32(u float32) float32 {
	au := min(max(u, -u), 20) // tanh(20) rounds to 1 in float32
	r := 1 - 2/(exp32(2*au)+1)
	if u < 0 {
		return -r
	}
	return r
}
