//go:build !race

package augment

import "testing"

// The race detector's instrumentation allocates, so allocation counts are only
// checked without it.

func TestComposeDoesNotAllocate(t *testing.T) {
	s := Shape{3, 16, 16}
	c := Must(NewCompose(Must(NewColorJitter(0.4, 0.4, 0.4, 0.1)),
		Must(NewRandomResizedCrop(12, 12, [2]float64{0.3, 1}, [2]float64{0.75, 1.33})),
		Must(NewGaussianBlur(3, [2]float64{0.1, 2})), Must(NewAffine(5, [2]float64{}, [2]float64{1, 1}, 0)),
		Must(NewGaussianNoise(0.05, true))))
	src := randImage(newRNG(1), s)
	dst := make([]float32, c.OutShape(s).Len())
	rng := newRNG(2)
	c.Apply(rng, dst, src, s)
	if a := testing.AllocsPerRun(50, func() { c.Apply(rng, dst, src, s) }); a > 0 {
		t.Fatalf("%g allocations per Apply", a)
	}
}
