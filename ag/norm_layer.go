package ag

import (
	"fmt"
	"math"
)

// LayerNorm normalises x (..., D) over its last axis (Ba, Kiros & Hinton 2016,
// arXiv 1607.06450) and applies the optional affine gamma and beta (D):
// y = (x - mean) / sqrt(var + eps) * gamma + beta, var biased, as
// torch.nn.LayerNorm(D). A nil gamma means 1, a nil beta 0.
func (t *Tape) LayerNorm(x, gamma, beta *Var, eps float32) *Var {
	xs := x.Shape()
	if len(xs) < 1 || xs[len(xs)-1] == 0 {
		panic(fmt.Sprintf("ag: LayerNorm needs x (..., D) with D > 0, got %v", xs))
	}
	d := xs[len(xs)-1]
	for _, p := range []*Var{gamma, beta} {
		if p != nil && (p.Value.Dims() != 1 || p.Shape()[0] != d) {
			panic(fmt.Sprintf("ag: LayerNorm: affine parameter %v for x %v", p.Shape(), xs))
		}
	}
	rows := x.Value.Numel() / d
	stats := t.scratch(2 * rows) // mean, then 1/sqrt(var+eps), per row
	mean, inv := stats[:rows], stats[rows:]
	out := t.newVar("LayerNorm", xs...)
	xd, y := x.Value.Data, out.Value.Data
	gd, bd := data(gamma), data(beta)
	grain := max(1, normGrain/d)
	runParts(numParts(rows, grain), rows, func(_, lo, hi int) {
		for r := lo; r < hi; r++ {
			xr, yr := xd[r*d:(r+1)*d], y[r*d:(r+1)*d]
			var sum float64
			for _, v := range xr {
				sum += float64(v)
			}
			mu := sum / float64(d)
			var sq float64
			for _, v := range xr {
				dv := float64(v) - mu
				sq += dv * dv
			}
			m, iv := float32(mu), float32(1/math.Sqrt(sq/float64(d)+float64(eps)))
			mean[r], inv[r] = m, iv
			for j, v := range xr {
				h := (v - m) * iv
				if gd != nil {
					h *= gd[j]
				}
				if bd != nil {
					h += bd[j]
				}
				yr[j] = h
			}
		}
	})
	t.record(out, func(g []float32) {
		needG, needB := gamma != nil && gamma.needsGrad, beta != nil && beta.needsGrad
		var dx []float32
		if x.needsGrad {
			dx = t.gradOf(x)
		}
		parts := numParts(rows, grain)
		// Per-part partial sums of dgamma and dbeta, reduced after.
		acc := t.scratch(parts * 2 * d)
		clear(acc)
		runParts(parts, rows, func(part, lo, hi int) {
			ag, ab := acc[part*2*d:][:d], acc[part*2*d+d:][:d]
			for r := lo; r < hi; r++ {
				xr, gr := xd[r*d:(r+1)*d], g[r*d:(r+1)*d]
				m, iv := mean[r], inv[r]
				// With gh = g*gamma: dx = inv * (gh - mean(gh) - xhat*mean(gh*xhat)).
				var sgh, sghx float64
				for j, gv := range gr {
					h := (xr[j] - m) * iv
					if needG {
						ag[j] += gv * h
					}
					if needB {
						ab[j] += gv
					}
					if gd != nil {
						gv *= gd[j]
					}
					sgh += float64(gv)
					sghx += float64(gv) * float64(h)
				}
				if dx == nil {
					continue
				}
				mg, mgx := float32(sgh/float64(d)), float32(sghx/float64(d))
				dr := dx[r*d : (r+1)*d]
				for j, gv := range gr {
					if gd != nil {
						gv *= gd[j]
					}
					dr[j] += iv * (gv - mg - (xr[j]-m)*iv*mgx)
				}
			}
		})
		for part := 0; part < parts; part++ {
			if needG {
				dg := t.gradOf(gamma)
				for j, v := range acc[part*2*d:][:d] {
					dg[j] += v
				}
			}
			if needB {
				db := t.gradOf(beta)
				for j, v := range acc[part*2*d+d:][:d] {
					db[j] += v
				}
			}
		}
	}, present(x, gamma, beta)...)
	return out
}
