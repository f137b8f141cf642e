package ag

import "math"

// Sqrt returns the square root of a element-wise; the gradient 1/(2 sqrt(x)) is
// +Inf at 0, as in PyTorch: add an epsilon first where zeros can occur.
func (t *Tape) Sqrt(a *Var) *Var {
	return t.unary("Sqrt", a,
		func(x float32) float32 { return float32(math.Sqrt(float64(x))) },
		func(_, y float32) float32 { return 0.5 / y })
}
