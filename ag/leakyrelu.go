package ag

// LeakyReLU returns x for x > 0 and slope*x otherwise (Maas et al. 2013; PyTorch's
// default slope is 0.01). The gradient at 0 is slope, as in PyTorch.
func (t *Tape) LeakyReLU(a *Var, slope float32) *Var {
	return t.unary("LeakyReLU", a,
		func(x float32) float32 {
			if x > 0 {
				return x
			}
			return slope * x
		},
		func(x, _ float32) float32 {
			if x > 0 {
				return 1
			}
			return slope
		})
}
