package ag

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/tensor"
)

// normGrain is the number of elements below which a normalisation runs on one core.
const normGrain = 1 << 15

// BatchNorm normalises x (N, C) or (N, C, ...) per channel (Ioffe & Szegedy 2015,
// arXiv 1502.03167) and applies the optional affine gamma and beta (C):
// y = (x - mean) / sqrt(var + eps) * gamma + beta. A nil gamma means 1, a nil beta 0.
//
// In training, mean and var are the statistics of the batch (over N and the
// spatial axes; var biased), and runMean and runVar, when not nil, are updated in
// place as PyTorch does: r = (1 - momentum)*r + momentum*stat, with the unbiased
// variance for runVar. Outside training they are the statistics used; when they
// are nil the batch statistics are used in either mode (track_running_stats=False).
// Training needs more than one value per channel. runMean and runVar have shape (C).
func (t *Tape) BatchNorm(x, gamma, beta *Var, runMean, runVar *tensor.Tensor, training bool, momentum, eps float32) *Var {
	xs := x.Shape()
	if len(xs) < 2 {
		panic(fmt.Sprintf("ag: BatchNorm needs x (N, C, ...), got %v", xs))
	}
	n, c := xs[0], xs[1]
	s := 1
	for _, d := range xs[2:] {
		s *= d
	}
	for _, v := range []struct {
		name string
		t    *tensor.Tensor
	}{{"gamma", value(gamma)}, {"beta", value(beta)}, {"runMean", runMean}, {"runVar", runVar}} {
		if v.t != nil && (v.t.Dims() != 1 || v.t.Shape[0] != c) {
			panic(fmt.Sprintf("ag: BatchNorm: %s %v for x %v", v.name, v.t.Shape, xs))
		}
	}
	if (runMean == nil) != (runVar == nil) {
		panic("ag: BatchNorm: runMean and runVar must both be set or both nil")
	}
	if runMean != nil && (!runMean.IsContiguous() || !runVar.IsContiguous()) {
		panic("ag: BatchNorm: runMean and runVar must be contiguous")
	}
	batchStats := training || runMean == nil
	m := n * s
	if batchStats && m <= 1 {
		panic(fmt.Sprintf("ag: BatchNorm: training needs more than one value per channel, x %v", xs))
	}
	stats := t.scratch(2 * c) // mean, then 1/sqrt(var+eps)
	mean, inv := stats[:c], stats[c:]
	out := t.newVar("BatchNorm", xs...)
	xd, y := x.Value.Data, out.Value.Data
	gd, bd := data(gamma), data(beta)
	runParts(numParts(c, max(1, normGrain/m)), c, func(_, lo, hi int) {
		for ch := lo; ch < hi; ch++ {
			if batchStats {
				var sum, sq float64
				for b := 0; b < n; b++ {
					for _, v := range xd[(b*c+ch)*s:][:s] {
						sum += float64(v)
					}
				}
				mu := sum / float64(m)
				for b := 0; b < n; b++ {
					for _, v := range xd[(b*c+ch)*s:][:s] {
						d := float64(v) - mu
						sq += d * d
					}
				}
				v := sq / float64(m)
				mean[ch], inv[ch] = float32(mu), float32(1/math.Sqrt(v+float64(eps)))
				if runMean != nil {
					rm, rv := runMean.Data[runMean.Offset:], runVar.Data[runVar.Offset:]
					rm[ch] = (1-momentum)*rm[ch] + momentum*float32(mu)
					rv[ch] = (1-momentum)*rv[ch] + momentum*float32(sq/float64(m-1))
				}
			} else {
				rm, rv := runMean.Data[runMean.Offset:], runVar.Data[runVar.Offset:]
				mean[ch], inv[ch] = rm[ch], float32(1/math.Sqrt(float64(rv[ch])+float64(eps)))
			}
			scale, shift := inv[ch], -mean[ch]*inv[ch]
			if gd != nil {
				scale, shift = scale*gd[ch], shift*gd[ch]
			}
			if bd != nil {
				shift += bd[ch]
			}
			for b := 0; b < n; b++ {
				o := (b*c + ch) * s
				yo := y[o : o+s]
				for j, v := range xd[o : o+s] {
					yo[j] = v*scale + shift
				}
			}
		}
	})
	t.record(out, func(g []float32) {
		var dx, dg, dbt []float32
		if x.needsGrad {
			dx = t.gradOf(x)
		}
		if gamma != nil && gamma.needsGrad {
			dg = t.gradOf(gamma)
		}
		if beta != nil && beta.needsGrad {
			dbt = t.gradOf(beta)
		}
		runParts(numParts(c, max(1, normGrain/m)), c, func(_, lo, hi int) {
			for ch := lo; ch < hi; ch++ {
				mu, iv := mean[ch], inv[ch]
				var sg, sgx float64 // sum g, sum g*xhat
				for b := 0; b < n; b++ {
					o := (b*c + ch) * s
					xo := xd[o : o+s]
					for j, gv := range g[o : o+s] {
						sg += float64(gv)
						sgx += float64(gv) * float64((xo[j]-mu)*iv)
					}
				}
				if dg != nil {
					dg[ch] += float32(sgx)
				}
				if dbt != nil {
					dbt[ch] += float32(sg)
				}
				if dx == nil {
					continue
				}
				gm := float32(1)
				if gd != nil {
					gm = gd[ch]
				}
				if !batchStats { // fixed statistics: y is affine in x
					k := gm * iv
					for b := 0; b < n; b++ {
						o := (b*c + ch) * s
						dxo := dx[o : o+s]
						for j, gv := range g[o : o+s] {
							dxo[j] += gv * k
						}
					}
					continue
				}
				// dx = gamma*inv/m * (m*g - sum g - xhat * sum g*xhat)
				k := gm * iv
				mg, mgx := float32(sg/float64(m)), float32(sgx/float64(m))
				for b := 0; b < n; b++ {
					o := (b*c + ch) * s
					dxo, xo := dx[o:o+s], xd[o:o+s]
					for j, gv := range g[o : o+s] {
						dxo[j] += k * (gv - mg - (xo[j]-mu)*iv*mgx)
					}
				}
			}
		})
	}, present(x, gamma, beta)...)
	return out
}

// value returns v's value, or nil for a nil Var.
func value(v *Var) *tensor.Tensor {
	if v == nil {
		return nil
	}
	return v.Value
}

// data returns v's data, or nil for a nil Var.
func data(v *Var) []float32 {
	if v == nil {
		return nil
	}
	return v.Value.Data
}
