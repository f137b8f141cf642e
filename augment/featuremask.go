package augment

import "math/rand/v2"

// FeatureMask sets each feature independently with probability p to a
// constant: the Bernoulli feature mask of VIME (Yoon et al. 2020, NeurIPS),
// filled with a constant instead of VIME's marginal draws (for those, see
// SCARF).
type FeatureMask struct {
	p     float64
	value float32
}

// NewFeatureMask returns feature masking with probability p in [0, 1].
func NewFeatureMask(p float64, value float32) (*FeatureMask, error) {
	if err := checkProb("FeatureMask", p); err != nil {
		return nil, err
	}
	return &FeatureMask{p: p, value: value}, nil
}

// Apply draws one uniform number per feature.
func (f *FeatureMask) Apply(rng *rand.Rand, dst, src []float32) {
	checkRow("FeatureMask", dst, src)
	for j, v := range src {
		if rng.Float64() < f.p {
			v = f.value
		}
		dst[j] = v
	}
}
