package augment

import "sync"

// scratchPool holds float32 buffers for intermediate images; Get/Put of a
// pointer does not allocate, so steady-state transforms are allocation-free.
var scratchPool = sync.Pool{New: func() any { return new([]float32) }}

// getScratch returns a pooled buffer of length n (contents undefined).
func getScratch(n int) *[]float32 {
	p := scratchPool.Get().(*[]float32)
	if cap(*p) < n {
		*p = make([]float32, n)
	}
	*p = (*p)[:n]
	return p
}

func putScratch(p *[]float32) { scratchPool.Put(p) }
