package ag

import "math"

// Softplus returns log(1 + exp(a)) element-wise, computed stably; its derivative
// is the sigmoid.
func (t *Tape) Softplus(a *Var) *Var {
	return t.unary("Softplus", a, func(x float32) float32 {
		if x > 20 {
			return x
		}
		return float32(math.Log1p(math.Exp(float64(x))))
	}, func(x, _ float32) float32 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	})
}
