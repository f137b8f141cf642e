package ag

import (
	"fmt"
	"slices"
)

// Dot returns the inner products of a and b along their last axis, fused (no
// element-wise product tensor): shapes (..., d) and (..., d) -> (...). With
// L2Normalize first it is the cosine similarity of paired rows that BYOL and
// SimSiam use.
func (t *Tape) Dot(a, b *Var) *Var {
	if !slices.Equal(a.Shape(), b.Shape()) || a.Value.Dims() == 0 {
		panic(fmt.Sprintf("ag: Dot: shapes %v and %v must be equal with at least one axis", a.Shape(), b.Shape()))
	}
	nd := a.Value.Dims()
	d := a.Shape()[nd-1]
	out := t.newVar("Dot", a.Shape()[:nd-1]...)
	x, y, o := valueOf(a), valueOf(b), out.Value.Data
	for i := range o {
		xr, yr := x[i*d:(i+1)*d], y[i*d:(i+1)*d]
		var s float32
		for k, v := range xr {
			s += v * yr[k]
		}
		o[i] = s
	}
	t.record(out, func(g []float32) {
		if a.needsGrad {
			dotBack(t.gradOf(a), y, g, d)
		}
		if b.needsGrad {
			dotBack(t.gradOf(b), x, g, d)
		}
	}, a, b)
	return out
}

// dotBack accumulates dst[i, k] += g[i] * other[i, k].
func dotBack(dst, other, g []float32, d int) {
	for i, gi := range g {
		dr, or := dst[i*d:(i+1)*d], other[i*d:(i+1)*d]
		for k, v := range or {
			dr[k] += gi * v
		}
	}
}
