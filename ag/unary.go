package ag

// unary is the shared mechanism of element-wise ops of one input: f maps each
// input x to y, and df returns dy/dx given x and y (whichever is cheaper to use).
func (t *Tape) unary(op string, a *Var, f func(x float32) float32, df func(x, y float32) float32) *Var {
	out := t.newVar(op, a.Shape()...)
	o, x := out.Value.Data, a.Value.Data
	for i := range o {
		o[i] = f(x[i])
	}
	t.record(out, func(g []float32) {
		dst := t.gradOf(a)
		for i := range dst {
			dst[i] += g[i] * df(x[i], o[i])
		}
	}, a)
	return out
}
