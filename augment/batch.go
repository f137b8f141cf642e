package augment

import (
	"fmt"
	"math/rand/v2"
	"sync"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Batch makes every view of every example of a batch on all cores.
//
// For n examples and V views, dst[v] receives view v of all examples as a
// (n, C', H', W') buffer, C'xH'xW' being that view's output shape. For two
// views of equal shape, pass the two halves of one (2n, C, H, W) buffer to get
// the SimCLR layout where rows i and n+i are the views of example i.
//
// View v of example i (its position in the batch) draws from a PCG stream
// seeded from (seed, i, v) only, so the result does not depend on the number
// of workers or the split of the batch.
//
// Pass a different seed at every step (for instance the step number): the
// same seed gives example position i the same views again.
type Batch struct {
	views *MultiView
	grain int
}

// worker is one goroutine's reseedable random stream and scratch image.
type worker struct {
	pcg rand.PCG
	rng *rand.Rand
	img []float32 // one source example converted from uint8
}

var workers = sync.Pool{New: func() any {
	w := &worker{}
	w.rng = rand.New(&w.pcg)
	return w
}}

// DefaultGrain is the default number of examples a worker takes at least.
const DefaultGrain = 16

// NewBatch returns a batch runner for the views of m. grain is the minimum
// number of examples per worker (0 means [DefaultGrain]).
func NewBatch(m *MultiView, grain int) (*Batch, error) {
	if m == nil {
		return nil, fmt.Errorf("augment: Batch: nil views")
	}
	if grain < 0 {
		return nil, fmt.Errorf("augment: Batch: negative grain %d", grain)
	}
	if grain == 0 {
		grain = DefaultGrain
	}
	return &Batch{views: m, grain: grain}, nil
}

// Views returns the multi-view augmentation the batch runs.
func (b *Batch) Views() *MultiView { return b.views }

// Float makes the views of a batch of float32 images. src holds images of
// shape s back to back; if idx is nil the batch is all of them in order,
// otherwise example i is image idx[i] of src (a gather, as a data loader
// sampling random indices does).
func (b *Batch) Float(seed uint64, dst [][]float32, src []float32, s Shape, idx []int) {
	n := b.prepare(dst, len(src), s, idx)
	L := s.Len()
	kernels.Parallel(n, b.grain, func(lo, hi int) {
		w := workers.Get().(*worker)
		for i := lo; i < hi; i++ {
			j := i
			if idx != nil {
				j = idx[i]
			}
			b.example(w, seed, i, dst, src[j*L:(j+1)*L], s)
		}
		workers.Put(w)
	})
}

// Uint8 is [Batch.Float] for uint8 images, each value scaled to [0, 1] as
// float32(v)/255 once per example before its views are made.
func (b *Batch) Uint8(seed uint64, dst [][]float32, src []uint8, s Shape, idx []int) {
	n := b.prepare(dst, len(src), s, idx)
	L := s.Len()
	kernels.Parallel(n, b.grain, func(lo, hi int) {
		w := workers.Get().(*worker)
		if cap(w.img) < L {
			w.img = make([]float32, L)
		}
		img := w.img[:L]
		for i := lo; i < hi; i++ {
			j := i
			if idx != nil {
				j = idx[i]
			}
			ToFloat(img, src[j*L:(j+1)*L])
			b.example(w, seed, i, dst, img, s)
		}
		workers.Put(w)
	})
}

func (b *Batch) example(w *worker, seed uint64, i int, dst [][]float32, img []float32, s Shape) {
	for v, t := range b.views.views {
		ol := t.OutShape(s).Len()
		seedView(&w.pcg, seed, i, v)
		t.Apply(w.rng, dst[v][i*ol:(i+1)*ol], img, s)
	}
}

// prepare validates the buffers and returns the number of examples.
func (b *Batch) prepare(dst [][]float32, srcLen int, s Shape, idx []int) int {
	L := s.Len()
	if L <= 0 || srcLen%L != 0 {
		panic(fmt.Sprintf("augment: Batch: src length %d is not a multiple of shape %v", srcLen, s))
	}
	total := srcLen / L
	n := total
	if idx != nil {
		n = len(idx)
		for _, j := range idx {
			if j < 0 || j >= total {
				panic(fmt.Sprintf("augment: Batch: index %d out of range [0, %d)", j, total))
			}
		}
	}
	if len(dst) != b.views.Len() {
		panic(fmt.Sprintf("augment: Batch: %d destination buffers for %d views", len(dst), b.views.Len()))
	}
	for v, t := range b.views.views {
		out := t.OutShape(s)
		if len(dst[v]) != n*out.Len() {
			panic(fmt.Sprintf("augment: Batch: view %d buffer length %d, want %d x %v = %d", v, len(dst[v]), n, out, n*out.Len()))
		}
	}
	return n
}

// u8scale[v] = float32(v)/255 computed in float32, as torch's x.float()/255.
var u8scale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// ToFloat converts uint8 pixels to float32 in [0, 1] (v/255).
func ToFloat(dst []float32, src []uint8) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("augment: ToFloat: dst length %d vs src length %d", len(dst), len(src)))
	}
	for i, v := range src {
		dst[i] = u8scale[v]
	}
}
