package ag

import "math"

// Tanh returns tanh(a) element-wise; the gradient 1 - y^2 reuses the output.
func (t *Tape) Tanh(a *Var) *Var {
	return t.unary("Tanh", a,
		func(x float32) float32 { return float32(math.Tanh(float64(x))) },
		func(_, y float32) float32 { return 1 - y*y })
}
