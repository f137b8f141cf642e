package augment

import (
	"fmt"
	"math/rand/v2"
)

// GaussianNoise adds independent N(0, std^2) noise to every value, optionally
// clamping the result to [0, 1]. The W1 benchmark uses std 0.1 without
// clamping (x + 0.1*randn_like(x)). Normal samples come from a float32
// ziggurat fed by a fast generator seeded with one draw from rng. Shape
// preserving; works in place.
type GaussianNoise struct {
	std   float32
	clamp bool
}

// NewGaussianNoise returns additive Gaussian noise with standard deviation
// std >= 0; clamp limits the output to [0, 1].
func NewGaussianNoise(std float64, clamp bool) (*GaussianNoise, error) {
	if !(std >= 0) {
		return nil, fmt.Errorf("augment: GaussianNoise: std %g must be >= 0", std)
	}
	return &GaussianNoise{std: float32(std), clamp: clamp}, nil
}

// OutShape returns in.
func (g *GaussianNoise) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (g *GaussianNoise) InPlace() bool { return true }

// Apply adds noise to src, writing dst.
func (g *GaussianNoise) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("GaussianNoise", dst, src, s, s)
	addNormal(dst, src, g.std, rng.Uint64())
	if g.clamp {
		for i, v := range dst {
			dst[i] = clamp01(v)
		}
	}
}
