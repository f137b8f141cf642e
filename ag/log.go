package ag

import "math"

// Log returns the natural logarithm of a element-wise (NaN below 0, -Inf at 0,
// as math.Log); the gradient is 1/x.
func (t *Tape) Log(a *Var) *Var {
	return t.unary("Log", a,
		func(x float32) float32 { return float32(math.Log(float64(x))) },
		func(x, _ float32) float32 { return 1 / x })
}
