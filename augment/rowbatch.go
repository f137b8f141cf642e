package augment

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// ApplyRows applies t to every row of the (n, d) row-major matrix src,
// writing the (n, d) matrix dst (which may be src), on all cores in chunks
// of at least grain rows (0 means [DefaultGrain]). Row i draws from a stream
// seeded by (seed, i) only, so the result does not depend on the number of
// workers. For SCARF's two views, call it twice with different seeds, or
// once and pair each corrupted row with its original.
func ApplyRows(t Row, seed uint64, dst, src []float32, d, grain int) {
	if d < 1 || len(src)%d != 0 || len(dst) != len(src) {
		panic(fmt.Sprintf("augment: ApplyRows: src length %d and dst length %d are not equal multiples of d = %d", len(src), len(dst), d))
	}
	if grain <= 0 {
		grain = DefaultGrain
	}
	kernels.Parallel(len(src)/d, grain, func(lo, hi int) {
		w := workers.Get().(*worker)
		for i := lo; i < hi; i++ {
			seedView(&w.pcg, seed, i, 0)
			t.Apply(w.rng, dst[i*d:(i+1)*d], src[i*d:(i+1)*d])
		}
		workers.Put(w)
	})
}
