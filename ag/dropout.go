package ag

import (
	"fmt"
	"math/rand/v2"
)

// Dropout zeroes each element of x with probability p and scales the survivors
// by 1/(1-p) (inverted dropout, Srivastava et al. 2014), so that the expected
// value is unchanged and evaluation needs no rescaling; p == 0 returns x itself,
// p == 1 zeroes everything. The mask comes from rng, two elements per 64-bit
// draw, so a seeded rng gives the same mask every run. Backward multiplies the
// gradient by the same mask. Turning dropout off for evaluation is the caller's
// choice (call it only in training).
func (t *Tape) Dropout(x *Var, p float32, rng *rand.Rand) *Var {
	if !(p >= 0 && p <= 1) {
		panic(fmt.Sprintf("ag: Dropout probability %v outside [0, 1]", p))
	}
	if p == 0 {
		return x
	}
	n := x.Value.Numel()
	mask := t.scratch(n)
	if p == 1 {
		clear(mask)
	} else {
		// Element i survives when its 32-bit uniform draw u satisfies u >= p*2^32.
		thr := uint64(float64(p) * (1 << 32))
		scale := 1 / (1 - p)
		for i := 0; i < n; i += 2 {
			r := rng.Uint64()
			mask[i] = keep(r&0xffffffff, thr, scale)
			if i+1 < n {
				mask[i+1] = keep(r>>32, thr, scale)
			}
		}
	}
	out := t.newVar("Dropout", x.Shape()...)
	y, xd := out.Value.Data, x.Value.Data
	for i, m := range mask {
		y[i] = xd[i] * m
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(x)
		for i, m := range mask {
			dx[i] += g[i] * m
		}
	}, x)
	return out
}

func keep(u, thr uint64, scale float32) float32 {
	if u < thr {
		return 0
	}
	return scale
}
