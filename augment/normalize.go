package augment

import (
	"fmt"
	"math/rand/v2"
)

// Normalize standardises each channel: (x - mean[c]) / std[c]. It draws no
// random numbers. Shape preserving; works in place.
type Normalize struct {
	mean, std []float32
}

// NewNormalize returns a per-channel normalisation; std values must be > 0.
func NewNormalize(mean, std []float32) (*Normalize, error) {
	if len(mean) == 0 || len(mean) != len(std) {
		return nil, fmt.Errorf("augment: Normalize: %d means for %d stds", len(mean), len(std))
	}
	for _, s := range std {
		if !(s > 0) {
			return nil, fmt.Errorf("augment: Normalize: std %g must be > 0", s)
		}
	}
	return &Normalize{mean: append([]float32(nil), mean...), std: append([]float32(nil), std...)}, nil
}

// OutShape returns in.
func (n *Normalize) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (n *Normalize) InPlace() bool { return true }

// Apply normalises; it panics if the channel count differs from the stats.
func (n *Normalize) Apply(_ *rand.Rand, dst, src []float32, s Shape) {
	check("Normalize", dst, src, s, s)
	if s.C != len(n.mean) {
		panic(fmt.Sprintf("augment: Normalize: %d-channel stats for shape %v", len(n.mean), s))
	}
	plane := s.H * s.W
	for c := 0; c < s.C; c++ {
		m, inv := n.mean[c], 1/n.std[c]
		d, sp := dst[c*plane:(c+1)*plane], src[c*plane:(c+1)*plane]
		for i, v := range sp {
			d[i] = (v - m) * inv
		}
	}
}
