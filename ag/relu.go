package ag

// ReLU returns max(a, 0) element-wise.
func (t *Tape) ReLU(a *Var) *Var {
	out := t.newVar("ReLU", a.Shape()...)
	o, x := out.Value.Data, a.Value.Data
	for i, v := range x {
		o[i] = max(v, 0)
	}
	t.record(out, func(g []float32) {
		dst := t.gradOf(a)
		for i, v := range o {
			if v > 0 {
				dst[i] += g[i]
			}
		}
	}, a)
	return out
}
