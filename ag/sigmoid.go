package ag

import "math"

// Sigmoid returns 1/(1+e^-x) element-wise, computed without overflow for large
// |x|; the gradient y(1-y) reuses the output.
func (t *Tape) Sigmoid(a *Var) *Var {
	return t.unary("Sigmoid", a, sigmoid, func(_, y float32) float32 { return y * (1 - y) })
}

func sigmoid(x float32) float32 {
	if x >= 0 {
		return float32(1 / (1 + math.Exp(-float64(x))))
	}
	e := math.Exp(float64(x))
	return float32(e / (1 + e))
}
