package ag

// Abs returns |a| element-wise; the gradient is sign(x), 0 at x = 0 (as PyTorch).
func (t *Tape) Abs(a *Var) *Var {
	return t.unary("Abs", a,
		func(x float32) float32 { return max(x, -x) },
		func(x, _ float32) float32 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		})
}
