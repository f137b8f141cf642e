package ag

import (
	"fmt"
	"math"
)

// L2Normalize divides each vector along the last axis by its Euclidean norm,
// x / max(||x||, eps), as PyTorch's F.normalize(x, dim=-1, eps=eps) (whose
// default eps is 1e-12). Rows with ||x|| < eps are divided by eps, so zero rows
// stay zero. Shapes (..., dim) -> (..., dim).
func (t *Tape) L2Normalize(a *Var, eps float32) *Var {
	if a.Value.Dims() == 0 {
		panic(fmt.Sprintf("ag: L2Normalize: needs at least one axis, got shape %v", a.Shape()))
	}
	if !(eps >= 0) {
		panic(fmt.Sprintf("ag: L2Normalize: eps %v < 0 (shape %v)", eps, a.Shape()))
	}
	d := a.Shape()[a.Value.Dims()-1]
	out := t.newVar("L2Normalize", a.Shape()...)
	x, y := valueOf(a), out.Value.Data
	rows := 0
	if d > 0 {
		rows = len(x) / d
	}
	// denom[i] = max(||x_i||, eps); a negative sign marks rows clamped to eps.
	denom := t.scratch(rows)
	for i := range rows {
		row, yr := x[i*d:(i+1)*d], y[i*d:(i+1)*d]
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		nrm := float32(math.Sqrt(s))
		den := nrm
		if nrm < eps {
			den = eps
			denom[i] = -eps
		} else {
			denom[i] = nrm
		}
		inv := 1 / den
		for k, v := range row {
			yr[k] = v * inv
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for i := range rows {
			gr, yr, dr := g[i*d:(i+1)*d], y[i*d:(i+1)*d], dx[i*d:(i+1)*d]
			den := denom[i]
			if den < 0 { // constant denominator eps
				inv := -1 / den
				for k, v := range gr {
					dr[k] += v * inv
				}
				continue
			}
			// d(x/||x||) = (g - y <g, y>) / ||x||
			var gy float32
			for k, v := range gr {
				gy += v * yr[k]
			}
			inv := 1 / den
			for k, v := range gr {
				dr[k] += (v - yr[k]*gy) * inv
			}
		}
	}, a)
	return out
}
