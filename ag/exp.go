package ag

import "math"

// Exp returns e^a element-wise; d/dx e^x = e^x reuses the output.
func (t *Tape) Exp(a *Var) *Var {
	return t.unary("Exp", a,
		func(x float32) float32 { return float32(math.Exp(float64(x))) },
		func(_, y float32) float32 { return y })
}
