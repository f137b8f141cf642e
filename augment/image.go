package augment

import (
	"fmt"
	"math/rand/v2"
)

// Shape describes one image example stored channel-major: C channels of H
// rows of W float32 values, index (c*H+y)*W+x.
type Shape struct {
	C, H, W int
}

// Len returns the number of values in one image, C*H*W.
func (s Shape) Len() int { return s.C * s.H * s.W }

// String formats the shape as CxHxW.
func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// Image is one image augmentation.
//
// Apply reads src, an image of shape s, and writes the transformed image of
// shape OutShape(s) into dst, taking every random draw from rng. dst and src
// must not overlap, except that transforms implementing [InPlacer] with
// InPlace() == true also accept dst and src being the same slice. Implementations
// are immutable and safe for concurrent use with distinct rngs.
type Image interface {
	OutShape(in Shape) Shape
	Apply(rng *rand.Rand, dst, src []float32, s Shape)
}

// InPlacer is implemented by transforms that may be applied with dst and src
// the same slice (pointwise and colour transforms). [Compose] uses it to skip
// intermediate copies.
type InPlacer interface {
	InPlace() bool
}

func inPlace(t Image) bool {
	p, ok := t.(InPlacer)
	return ok && p.InPlace()
}

// Must returns t, panicking if err is not nil. It is meant for pipelines
// built from constant parameters.
func Must[T any](t T, err error) T {
	if err != nil {
		panic(err)
	}
	return t
}

// check panics unless src holds s and dst holds out.
func check(name string, dst, src []float32, s, out Shape) {
	if s.C < 1 || s.H < 1 || s.W < 1 {
		panic(fmt.Sprintf("augment: %s: invalid shape %v", name, s))
	}
	if len(src) != s.Len() {
		panic(fmt.Sprintf("augment: %s: src length %d does not match shape %v (%d)", name, len(src), s, s.Len()))
	}
	if len(dst) != out.Len() {
		panic(fmt.Sprintf("augment: %s: dst length %d does not match output shape %v (%d) for input %v", name, len(dst), out, out.Len(), s))
	}
}

// checkRGB panics unless s has 1 or 3 channels.
func checkChannels(name string, s Shape) {
	if s.C != 1 && s.C != 3 {
		panic(fmt.Sprintf("augment: %s: want 1 or 3 channels, got shape %v", name, s))
	}
}

func same(a, b []float32) bool { return len(a) > 0 && len(b) > 0 && &a[0] == &b[0] }

// copyIfDistinct copies src into dst unless they are the same slice.
func copyIfDistinct(dst, src []float32) {
	if !same(dst, src) {
		copy(dst, src)
	}
}

func clamp01(v float32) float32 {
	if v < 0 {
		return 0
	}
	if v > 1 {
		return 1
	}
	return v
}

// uniform returns a value uniform in [lo, hi).
func uniform(rng *rand.Rand, lo, hi float64) float64 { return lo + (hi-lo)*rng.Float64() }

func checkRange(name, what string, r [2]float64, lo, hi float64) error {
	if !(r[0] >= lo && r[1] <= hi && r[0] <= r[1]) {
		return fmt.Errorf("augment: %s: %s range [%g, %g] must be ordered within [%g, %g]", name, what, r[0], r[1], lo, hi)
	}
	return nil
}

func checkProb(name string, p float64) error {
	if !(p >= 0 && p <= 1) {
		return fmt.Errorf("augment: %s: probability %g not in [0, 1]", name, p)
	}
	return nil
}
