package nn

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
	"github.com/contrast-ml/contrast/tensor"
)

// emaGrain is the number of elements below which EMA runs on one core.
const emaGrain = 1 << 15

// CopyParams copies src's parameters and buffers into dst, which must have the
// same architecture: the same number of each, pairwise of equal shape (names
// may differ, e.g. "online." and "target." prefixes). It initialises MoCo's key
// encoder and BYOL's target network.
func CopyParams(dst, src Module) error {
	dp, sp := dst.Params(), src.Params()
	if err := matchParams(dp, sp); err != nil {
		return err
	}
	db, sb := dst.Buffers(), src.Buffers()
	if len(db) != len(sb) {
		return fmt.Errorf("nn: CopyParams: %d buffers in the destination, %d in the source", len(db), len(sb))
	}
	for i := range db {
		if !tensor.SameShape(db[i].Value, sb[i].Value) {
			return fmt.Errorf("nn: CopyParams: buffer %q %v vs %q %v", db[i].Name, db[i].Value.Shape, sb[i].Name, sb[i].Value.Shape)
		}
	}
	for i, p := range dp {
		sp[i].Value.CopyTo(p.Value.Raw())
	}
	for i, b := range db {
		sb[i].Value.CopyTo(b.Value.Raw())
	}
	return nil
}

// EMA moves target's parameters towards online's, target ← m·target + (1-m)·online
// element-wise, as MoCo (He et al. 2019, arXiv 1911.05722, m = 0.999) and BYOL
// (Grill et al. 2020, arXiv 2006.07733, τ from 0.996 rising to 1) update their
// momentum encoders after every step. Buffers are left alone: the target's
// BatchNorm statistics come from its own forward passes, as in both papers' code.
// m must be in [0, 1].
func EMA(target, online Module, m float64) error {
	if !(m >= 0 && m <= 1) {
		return fmt.Errorf("nn: EMA: momentum %v outside [0, 1]", m)
	}
	tp, op := target.Params(), online.Params()
	if err := matchParams(tp, op); err != nil {
		return err
	}
	keep, take := float32(m), float32(1-m)
	for i, p := range tp {
		dst, src := p.Value.Raw(), op[i].Value.Contiguous().Raw()
		kernels.Parallel(len(dst), emaGrain, func(lo, hi int) {
			s := src[lo:hi]
			for j := range s {
				dst[lo+j] = float32(dst[lo+j]*keep) + float32(s[j]*take)
			}
		})
	}
	return nil
}

func matchParams(dst, src []*ag.Var) error {
	if len(dst) != len(src) {
		return fmt.Errorf("nn: %d parameters in the target, %d in the source", len(dst), len(src))
	}
	for i := range dst {
		if !tensor.SameShape(dst[i].Value, src[i].Value) {
			return fmt.Errorf("nn: parameter %d: %q %v vs %q %v", i, dst[i].Name, dst[i].Value.Shape, src[i].Name, src[i].Value.Shape)
		}
	}
	return nil
}
