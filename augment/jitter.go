package augment

import (
	"fmt"
	"math/rand/v2"
)

// ColorJitter randomly changes brightness, contrast, saturation and hue, in a
// random order, as torchvision's ColorJitter (used by SimCLR with 0.8, 0.8,
// 0.8, 0.2 at probability 0.8). Each factor is uniform in [max(0, 1-x), 1+x]
// for x the strength given, the hue shift uniform in [-hue, hue]. On grey
// images only brightness and contrast change (no draws for the others).
// Shape preserving; works in place.
type ColorJitter struct {
	brightness, contrast, saturation, hue float64
}

// NewColorJitter returns a colour jitter; strengths are >= 0 and hue <= 0.5.
func NewColorJitter(brightness, contrast, saturation, hue float64) (*ColorJitter, error) {
	for _, v := range []float64{brightness, contrast, saturation} {
		if !(v >= 0) {
			return nil, fmt.Errorf("augment: ColorJitter: strength %g must be >= 0", v)
		}
	}
	if !(hue >= 0 && hue <= 0.5) {
		return nil, fmt.Errorf("augment: ColorJitter: hue %g not in [0, 0.5]", hue)
	}
	return &ColorJitter{brightness, contrast, saturation, hue}, nil
}

// OutShape returns in.
func (j *ColorJitter) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (j *ColorJitter) InPlace() bool { return true }

// Apply draws a permutation of the four adjustments, then each factor as its
// adjustment runs.
func (j *ColorJitter) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("ColorJitter", dst, src, s, s)
	checkChannels("ColorJitter", s)
	order := [4]int{0, 1, 2, 3}
	for i := 3; i > 0; i-- {
		k := rng.IntN(i + 1)
		order[i], order[k] = order[k], order[i]
	}
	copyIfDistinct(dst, src)
	factor := func(x float64) float32 { return float32(uniform(rng, max(0, 1-x), 1+x)) }
	for _, o := range order {
		switch o {
		case 0:
			if j.brightness > 0 {
				AdjustBrightness(dst, dst, s, factor(j.brightness))
			}
		case 1:
			if j.contrast > 0 {
				AdjustContrast(dst, dst, s, factor(j.contrast))
			}
		case 2:
			if j.saturation > 0 && s.C == 3 {
				AdjustSaturation(dst, dst, s, factor(j.saturation))
			}
		case 3:
			if j.hue > 0 && s.C == 3 {
				AdjustHue(dst, dst, s, float32(uniform(rng, -j.hue, j.hue)))
			}
		}
	}
}
