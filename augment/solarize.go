package augment

import (
	"fmt"
	"math/rand/v2"
)

// Solarize inverts every value at or above a threshold (x -> 1-x) with
// probability p, as torchvision's RandomSolarize; BYOL (Grill et al. 2020,
// arXiv 2006.07733) uses threshold 0.5 on its second view. Shape preserving;
// works in place.
type Solarize struct {
	threshold float32
	p         float64
}

// NewSolarize returns a random solarisation.
func NewSolarize(threshold float64, p float64) (*Solarize, error) {
	if err := checkProb("Solarize", p); err != nil {
		return nil, err
	}
	if !(threshold >= 0 && threshold <= 1) {
		return nil, fmt.Errorf("augment: Solarize: threshold %g not in [0, 1]", threshold)
	}
	return &Solarize{threshold: float32(threshold), p: p}, nil
}

// OutShape returns in.
func (t *Solarize) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (t *Solarize) InPlace() bool { return true }

// Apply draws one uniform number and solarises if it is below p.
func (t *Solarize) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("Solarize", dst, src, s, s)
	if rng.Float64() >= t.p {
		copyIfDistinct(dst, src)
		return
	}
	for i, v := range src {
		if v >= t.threshold {
			v = 1 - v
		}
		dst[i] = v
	}
}
