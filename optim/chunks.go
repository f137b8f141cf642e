package optim

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
)

// Work-splitting constants. Chunk boundaries depend only on the parameter
// shapes, never on the number of cores, so that every reduction (LARS norms) adds
// in the same order everywhere.
const (
	chunkSize   = 1 << 14 // elements per work item
	parallelMin = 1 << 16 // total elements below which Step runs on the caller only
)

// chunk is a slice [lo, hi) of the flat values of parameter p.
type chunk struct{ p, lo, hi int }

// chunks is an optimizer's work list: every parameter cut into chunks of at most
// chunkSize elements, in parameter order.
type chunks struct {
	items []chunk
	total int
}

func newChunks(params []*ag.Var) chunks {
	var c chunks
	for i, p := range params {
		n := p.Value.Numel()
		c.total += n
		for lo := 0; lo < n; lo += chunkSize {
			c.items = append(c.items, chunk{i, lo, min(lo+chunkSize, n)})
		}
	}
	return c
}

// run calls fn over ranges of chunk indices, in parallel when the model is large.
// fn must be a value made once (a method value stored at construction), so that
// the call does not allocate.
func (c *chunks) run(fn func(lo, hi int)) {
	if c.total < parallelMin {
		fn(0, len(c.items))
		return
	}
	kernels.Parallel(len(c.items), 1, fn)
}
