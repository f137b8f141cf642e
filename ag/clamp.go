package ag

import "fmt"

// Clamp limits a element-wise to [lo, hi]; use ±Inf for a one-sided clamp. The
// gradient passes where lo <= x <= hi (bounds included, as PyTorch) and is 0 outside.
// It panics when lo > hi or either bound is NaN.
func (t *Tape) Clamp(a *Var, lo, hi float32) *Var {
	if !(lo <= hi) {
		panic(fmt.Sprintf("ag: Clamp: lo %v > hi %v (shape %v)", lo, hi, a.Shape()))
	}
	return t.unary("Clamp", a,
		func(x float32) float32 { return min(max(x, lo), hi) },
		func(x, _ float32) float32 {
			if x >= lo && x <= hi {
				return 1
			}
			return 0
		})
}
