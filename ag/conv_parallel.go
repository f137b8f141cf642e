package ag

import (
	"runtime"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// numParts is how many parts to split n items into for the CNN and normalisation
// ops: at most GOMAXPROCS, each of at least grain items, at least one.
func numParts(n, grain int) int {
	p := runtime.GOMAXPROCS(0)
	if grain < 1 {
		grain = 1
	}
	if q := n / grain; q < p {
		p = q
	}
	return max(p, 1)
}

// runParts calls fn(part, lo, hi) for each of parts contiguous ranges of [0, n),
// concurrently on the kernels worker pool. Each part index is used by exactly one
// call, so fn may own per-part scratch buffers and partial sums.
func runParts(parts, n int, fn func(part, lo, hi int)) {
	if parts <= 1 {
		fn(0, 0, n)
		return
	}
	kernels.Parallel(parts, 1, func(a, b int) {
		for p := a; p < b; p++ {
			fn(p, p*n/parts, (p+1)*n/parts)
		}
	})
}

// scratchInt32 returns a pooled buffer of n int32s (argmax indices), valid until
// Reset. It reuses the tape's float32 pool: both element types are 4 bytes.
func (t *Tape) scratchInt32(n int) []int32 {
	return asInt32(t.scratch(n))
}

// present returns the non-nil Vars of vs (optional inputs such as a bias).
func present(vs ...*Var) []*Var {
	out := vs[:0:0]
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}
