package ag

import "fmt"

// Slice returns the elements lo..hi-1 of a along axis (negative counts from the
// end) as a new contiguous value: (..., n, ...) -> (..., hi-lo, ...). The
// gradient is added into that range of a's gradient.
func (t *Tape) Slice(a *Var, axis, lo, hi int) *Var {
	return t.slice("Slice", a, axis, lo, hi)
}

func (t *Tape) slice(op string, a *Var, axis, lo, hi int) *Var {
	shape := a.Shape()
	axis = axisOf(op, shape, axis)
	if lo < 0 || hi > shape[axis] || lo > hi {
		panic(fmt.Sprintf("ag: %s: range [%d:%d] outside axis %d of shape %v", op, lo, hi, axis, shape))
	}
	outer, n, inner := splitAxis(shape, axis)
	oshape := append([]int(nil), shape...)
	oshape[axis] = hi - lo
	out := t.newVar(op, oshape...)
	x, o := valueOf(a), out.Value.Data
	w := (hi - lo) * inner
	for b := range outer {
		copy(o[b*w:(b+1)*w], x[(b*n+lo)*inner:])
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for b := range outer {
			addTo(dx[(b*n+lo)*inner:(b*n+lo)*inner+w], g[b*w:])
		}
	}, a)
	return out
}
