package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Affine applies a random rotation, translation and isotropic scaling about
// the image centre, sampled bilinearly, with pixels from outside the image
// set to fill (torchvision RandomAffine without shear, bilinear). The angle
// is uniform in [-degrees, degrees] (positive turns counter-clockwise as the
// image is viewed), the shift uniform in [-translate*W, translate*W] columns
// and [-translate*H, translate*H] rows, rounded to whole pixels, the scale
// uniform in its range.
// Shape preserving.
type Affine struct {
	degrees   float64
	translate [2]float64 // fraction of (W, H)
	scale     [2]float64
	fill      float32
}

// AffineParams are the drawn parameters of one [Affine] transform.
type AffineParams struct {
	Degrees float64 // counter-clockwise rotation
	DX, DY  float64 // shift in pixels, right and down
	Scale   float64
}

// NewAffine returns a random affine transform. degrees >= 0, translate
// fractions in [0, 1] for (x, y), and a scale range within (0, 10].
func NewAffine(degrees float64, translate [2]float64, scale [2]float64, fill float32) (*Affine, error) {
	if !(degrees >= 0 && degrees <= 360) {
		return nil, fmt.Errorf("augment: Affine: degrees %g not in [0, 360]", degrees)
	}
	for _, t := range translate {
		if !(t >= 0 && t <= 1) {
			return nil, fmt.Errorf("augment: Affine: translate fraction %g not in [0, 1]", t)
		}
	}
	if err := checkRange("Affine", "scale", scale, 1e-3, 10); err != nil {
		return nil, err
	}
	return &Affine{degrees: degrees, translate: translate, scale: scale, fill: fill}, nil
}

// OutShape returns in.
func (a *Affine) OutShape(in Shape) Shape { return in }

// Apply draws angle, shifts (x then y) and scale, then warps.
func (a *Affine) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("Affine", dst, src, s, s)
	p := AffineParams{
		Degrees: uniform(rng, -a.degrees, a.degrees),
		DX:      math.Round(uniform(rng, -a.translate[0], a.translate[0]) * float64(s.W)),
		DY:      math.Round(uniform(rng, -a.translate[1], a.translate[1]) * float64(s.H)),
		Scale:   uniform(rng, a.scale[0], a.scale[1]),
	}
	AffineWarp(dst, src, s, p, a.fill)
}

// AffineWarp writes src transformed by p into dst: the content is scaled by
// p.Scale and rotated by p.Degrees about the centre ((W-1)/2, (H-1)/2), then
// shifted by (p.DX, p.DY). Each output pixel samples its inverse image
// bilinearly. dst and src must not overlap.
func AffineWarp(dst, src []float32, s Shape, p AffineParams, fill float32) {
	check("AffineWarp", dst, src, s, s)
	if p.Scale <= 0 {
		panic(fmt.Sprintf("augment: AffineWarp: scale %g must be positive", p.Scale))
	}
	th := p.Degrees * math.Pi / 180
	// Forward (y down): out = c + t + s*[[cos, sin], [-sin, cos]] (in - c);
	// the inverse rotates back by the transpose and divides by the scale.
	cos, sin := float32(math.Cos(th)/p.Scale), float32(math.Sin(th)/p.Scale)
	cx, cy := float32(s.W-1)/2, float32(s.H-1)/2
	dx, dy := float32(p.DX), float32(p.DY)
	plane := s.H * s.W
	for y := 0; y < s.H; y++ {
		oy := float32(y) - cy - dy
		for x := 0; x < s.W; x++ {
			ox := float32(x) - cx - dx
			fx := cx + cos*ox - sin*oy
			fy := cy + sin*ox + cos*oy
			for c := 0; c < s.C; c++ {
				dst[c*plane+y*s.W+x] = bilinear(src[c*plane:(c+1)*plane], s.H, s.W, fy, fx, fill)
			}
		}
	}
}
