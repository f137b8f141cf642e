package ag

import (
	"fmt"
	"slices"
)

// Concat joins vs along axis (negative counts from the end); all must have the
// same number of dimensions and equal sizes on every other axis. Shapes
// (..., n_i, ...) -> (..., Σ n_i, ...).
func (t *Tape) Concat(axis int, vs ...*Var) *Var {
	if len(vs) == 0 {
		panic("ag: Concat: no inputs")
	}
	first := vs[0].Shape()
	axis = axisOf("Concat", first, axis)
	shape := slices.Clone(first)
	shape[axis] = 0
	for _, v := range vs {
		s := v.Shape()
		ok := len(s) == len(first)
		for i := 0; ok && i < len(s); i++ {
			ok = i == axis || s[i] == first[i]
		}
		if !ok {
			panic(fmt.Sprintf("ag: Concat: shapes %v and %v differ off axis %d", first, s, axis))
		}
		shape[axis] += s[axis]
	}
	outer, total, inner := splitAxis(shape, axis)
	out := t.newVar("Concat", shape...)
	o := out.Value.Data
	off := 0 // offset of the current input within one outer block
	for _, v := range vs {
		w := v.Shape()[axis] * inner
		x := valueOf(v)
		for b := range outer {
			copy(o[b*total*inner+off:], x[b*w:(b+1)*w])
		}
		off += w
	}
	t.record(out, func(g []float32) {
		off := 0
		for _, v := range vs {
			w := v.Shape()[axis] * inner
			if v.needsGrad {
				dx := t.gradOf(v)
				for b := range outer {
					addTo(dx[b*w:(b+1)*w], g[b*total*inner+off:])
				}
			}
			off += w
		}
	}, vs...)
	return out
}

// addTo accumulates dst[i] += src[i] for i < len(dst).
func addTo(dst, src []float32) {
	src = src[:len(dst)]
	for i, v := range src {
		dst[i] += v
	}
}
