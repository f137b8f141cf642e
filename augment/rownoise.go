package augment

import (
	"fmt"
	"math/rand/v2"
)

// RowNoise adds independent N(0, (std*scale[j])^2) noise to every feature j;
// scale is nil for 1 everywhere, or per-feature (e.g. the features' standard
// deviations).
type RowNoise struct {
	std   float32
	scale []float32
}

// NewRowNoise returns Gaussian feature noise; std >= 0, scale nil or with
// non-negative entries.
func NewRowNoise(std float64, scale []float32) (*RowNoise, error) {
	if !(std >= 0) {
		return nil, fmt.Errorf("augment: RowNoise: std %g must be >= 0", std)
	}
	for _, v := range scale {
		if !(v >= 0) {
			return nil, fmt.Errorf("augment: RowNoise: scale %g must be >= 0", v)
		}
	}
	return &RowNoise{std: float32(std), scale: append([]float32(nil), scale...)}, nil
}

// Apply draws one seed from rng for the noise.
func (r *RowNoise) Apply(rng *rand.Rand, dst, src []float32) {
	checkRow("RowNoise", dst, src)
	if r.scale != nil && len(r.scale) != len(src) {
		panic(fmt.Sprintf("augment: RowNoise: row of %d features, %d scales", len(src), len(r.scale)))
	}
	if len(r.scale) == 0 {
		addNormal(dst, src, r.std, rng.Uint64())
		return
	}
	w := wyrand{s: rng.Uint64()}
	for j, v := range src {
		dst[j] = v + r.std*r.scale[j]*normal32(uint32(w.next()), &w)
	}
}
