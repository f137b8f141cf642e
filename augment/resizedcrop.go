package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// RandomResizedCrop crops a random region and resizes it bilinearly to a fixed
// size (Szegedy et al. 2015, arXiv 1409.4842; the SimCLR crop). The region's
// area is a fraction uniform in the scale range of the image's, its aspect
// ratio (width/height) log-uniform in the ratio range; after 10 failed tries
// to fit such a region it falls back to the largest central crop with a ratio
// in range, as torchvision does. Shape (C, H, W) -> (C, outH, outW).
type RandomResizedCrop struct {
	outH, outW   int
	scale, ratio [2]float64
}

// NewRandomResizedCrop returns a random resized crop to outH x outW with the
// given area-fraction range (within (0, 1]) and aspect-ratio range (> 0).
// torchvision's defaults are scale [0.08, 1] and ratio [3/4, 4/3].
func NewRandomResizedCrop(outH, outW int, scale, ratio [2]float64) (*RandomResizedCrop, error) {
	if outH < 1 || outW < 1 {
		return nil, fmt.Errorf("augment: RandomResizedCrop: output size %dx%d must be positive", outH, outW)
	}
	if err := checkRange("RandomResizedCrop", "scale", scale, 0, 1); err != nil {
		return nil, err
	}
	if !(scale[1] > 0) {
		return nil, fmt.Errorf("augment: RandomResizedCrop: scale range [%g, %g] must reach above 0", scale[0], scale[1])
	}
	if err := checkRange("RandomResizedCrop", "ratio", ratio, 1e-6, 1e6); err != nil {
		return nil, err
	}
	return &RandomResizedCrop{outH: outH, outW: outW, scale: scale, ratio: ratio}, nil
}

// OutShape returns (in.C, outH, outW).
func (t *RandomResizedCrop) OutShape(in Shape) Shape { return Shape{C: in.C, H: t.outH, W: t.outW} }

// Apply samples a region with [RandomResizedCrop.Sample] and resizes it.
func (t *RandomResizedCrop) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("RandomResizedCrop", dst, src, s, t.OutShape(s))
	ResizeCrop(dst, src, s, t.Sample(rng, s.H, s.W), t.outH, t.outW)
}

// Sample draws the crop region for an h x w image (torchvision's get_params).
func (t *RandomResizedCrop) Sample(rng *rand.Rand, h, w int) Rect {
	area := float64(h * w)
	lr0, lr1 := math.Log(t.ratio[0]), math.Log(t.ratio[1])
	for range 10 {
		target := area * uniform(rng, t.scale[0], t.scale[1])
		ar := math.Exp(uniform(rng, lr0, lr1))
		cw := int(math.Round(math.Sqrt(target * ar)))
		ch := int(math.Round(math.Sqrt(target / ar)))
		if cw > 0 && ch > 0 && cw <= w && ch <= h {
			return Rect{Y: rng.IntN(h - ch + 1), X: rng.IntN(w - cw + 1), H: ch, W: cw}
		}
	}
	// Fallback: central crop, the whole image clipped to the ratio range.
	in := float64(w) / float64(h)
	cw, ch := w, h
	switch {
	case in < t.ratio[0]:
		ch = max(1, int(math.Round(float64(w)/t.ratio[0])))
	case in > t.ratio[1]:
		cw = max(1, int(math.Round(float64(h)*t.ratio[1])))
	}
	return Rect{Y: (h - ch) / 2, X: (w - cw) / 2, H: ch, W: cw}
}
