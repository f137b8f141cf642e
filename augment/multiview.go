package augment

import (
	"fmt"
	"math/rand/v2"
)

// MultiView makes several views of one example, view k by its own pipeline.
// Views may have different shapes (multi-crop).
type MultiView struct {
	views []Image
}

// NewMultiView returns a multi-view augmentation with one pipeline per view.
func NewMultiView(views ...Image) (*MultiView, error) {
	if len(views) == 0 {
		return nil, fmt.Errorf("augment: MultiView: no views")
	}
	for i, v := range views {
		if v == nil {
			return nil, fmt.Errorf("augment: MultiView: view %d is nil", i)
		}
	}
	return &MultiView{views: append([]Image(nil), views...)}, nil
}

// NewTwoViews returns the two-view augmentation of SimCLR (Chen et al. 2020,
// arXiv 2002.05709) and most siamese methods; a and b may be the same
// pipeline (the views still differ: each draws its own randomness).
func NewTwoViews(a, b Image) (*MultiView, error) { return NewMultiView(a, b) }

// NewMultiCrop returns the multi-crop augmentation of SwAV (Caron et al. 2020,
// arXiv 2006.09882): nGlobal views through global (typically a large
// RandomResizedCrop, e.g. 2 at 224 px, scale [0.14, 1]) followed by nLocal
// views through local (small crops, e.g. 6 at 96 px, scale [0.05, 0.14]).
func NewMultiCrop(global, local Image, nGlobal, nLocal int) (*MultiView, error) {
	if nGlobal < 1 || nLocal < 0 {
		return nil, fmt.Errorf("augment: MultiCrop: need nGlobal >= 1 and nLocal >= 0, got %d and %d", nGlobal, nLocal)
	}
	vs := make([]Image, 0, nGlobal+nLocal)
	for range nGlobal {
		vs = append(vs, global)
	}
	for range nLocal {
		vs = append(vs, local)
	}
	return NewMultiView(vs...)
}

// Len returns the number of views.
func (m *MultiView) Len() int { return len(m.views) }

// View returns the pipeline of view k.
func (m *MultiView) View(k int) Image { return m.views[k] }

// OutShape returns the shape of view k for input shape in.
func (m *MultiView) OutShape(k int, in Shape) Shape { return m.views[k].OutShape(in) }

// Apply writes view k of src into dsts[k], all views drawing from rng in turn.
// For worker-independent batches use [Batch], which gives each view its own
// stream.
func (m *MultiView) Apply(rng *rand.Rand, dsts [][]float32, src []float32, s Shape) {
	if len(dsts) != len(m.views) {
		panic(fmt.Sprintf("augment: MultiView: %d destination buffers for %d views", len(dsts), len(m.views)))
	}
	for k, v := range m.views {
		v.Apply(rng, dsts[k], src, s)
	}
}
