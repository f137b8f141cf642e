package augment

import (
	"fmt"
	"testing"
)

// sequential applies ts one after another with a single rng, allocating every
// intermediate: the oracle for Compose.
func sequential(ts []Image, seed uint64, src []float32, s Shape) []float32 {
	rng := newRNG(seed)
	cur := src
	for _, t := range ts {
		out := make([]float32, t.OutShape(s).Len())
		t.Apply(rng, out, cur, s)
		cur, s = out, t.OutShape(s)
	}
	return cur
}

func TestComposeMatchesSequential(t *testing.T) {
	rgb := Shape{3, 12, 10}
	jit := Must(NewColorJitter(0.4, 0.4, 0.4, 0.1))
	rrc := Must(NewRandomResizedCrop(8, 8, [2]float64{0.3, 1}, [2]float64{0.75, 1.33}))
	flip := Must(NewHorizontalFlip(0.5))
	blur := Must(NewGaussianBlur(3, [2]float64{0.1, 2}))
	sol := Must(NewSolarize(0.5, 0.5))
	noise := Must(NewGaussianNoise(0.05, true))
	aff := Must(NewAffine(10, [2]float64{0.1, 0.1}, [2]float64{0.9, 1.1}, 0))
	pc := Must(NewPadCrop(2))
	cases := map[string][]Image{
		"empty":            {},
		"in-place only":    {jit, flip, sol, noise},
		"out-of-place":     {rrc, blur, aff},
		"mixed":            {jit, rrc, flip, blur, sol, noise},
		"in-place first":   {sol, pc, noise},
		"w1":               {pc, noise},
		"nested":           {Must(NewCompose(jit, blur)), Must(NewCompose(flip, noise)), rrc},
		"random apply":     {Must(NewRandomApply(0.5, blur)), Must(NewRandomApply(0.8, jit))},
		"one of":           {Must(NewOneOf(blur, flip, aff))},
		"two out-of-place": {blur, aff, pc, blur},
	}
	src := randImage(newRNG(17), rgb)
	for name, ts := range cases {
		t.Run(name, func(t *testing.T) {
			c := Must(NewCompose(ts...))
			for seed := range uint64(10) {
				want := sequential(ts, seed, src, rgb)
				if len(ts) == 0 {
					want = src
				}
				got := apply(c, seed, src, rgb)
				assertClose(t, fmt.Sprint("seed ", seed), got, want, 0)
				if c.InPlace() {
					in := append([]float32(nil), src...)
					c.Apply(newRNG(seed), in, in, rgb)
					assertClose(t, "in place", in, want, 0)
				}
			}
		})
	}
	if _, err := NewCompose(nil); err == nil {
		t.Fatal("nil transform accepted")
	}
}

func TestRandomApplyAndOneOf(t *testing.T) {
	s := Shape{1, 3, 3}
	src := randImage(newRNG(18), s)
	flip := Must(NewHorizontalFlip(1))
	flipped := apply(flip, 0, src, s)
	ra := Must(NewRandomApply(0.3, flip))
	rng, dst, hits := newRNG(19), make([]float32, s.Len()), 0
	for range 5000 {
		ra.Apply(rng, dst, src, s)
		if maxAbsDiff(dst, flipped) == 0 {
			hits++
		}
	}
	if hits < 1350 || hits > 1650 {
		t.Fatalf("applied %d of 5000 at p=0.3", hits)
	}
	mustPanic(t, "shape-changing RandomApply", func() {
		Must(NewRandomApply(0.5, Must(NewRandomResizedCrop(2, 2, [2]float64{1, 1}, [2]float64{1, 1})))).OutShape(s)
	})

	// Weighted choice between identity-like solarize p=0 and a flip.
	keep := Must(NewSolarize(1, 0))
	oo := Must(NewOneOfWeighted([]Image{keep, flip}, []float64{1, 3}))
	hits = 0
	for range 8000 {
		oo.Apply(rng, dst, src, s)
		if maxAbsDiff(dst, flipped) == 0 {
			hits++
		}
	}
	if hits < 5800 || hits > 6200 {
		t.Fatalf("flip chosen %d of 8000 at weight 3/4", hits)
	}
	if _, err := NewOneOfWeighted([]Image{flip}, []float64{0}); err == nil {
		t.Fatal("zero weights accepted")
	}
	if _, err := NewOneOf(); err == nil {
		t.Fatal("empty OneOf accepted")
	}
	mustPanic(t, "OneOf mixed shapes", func() {
		Must(NewOneOf(flip, Must(NewRandomResizedCrop(2, 2, [2]float64{1, 1}, [2]float64{1, 1})))).OutShape(s)
	})
}

func TestShapeMisusePanics(t *testing.T) {
	s := Shape{1, 4, 4}
	src := make([]float32, 16)
	for name, tr := range map[string]Image{
		"PadCrop": Must(NewPadCrop(1)), "Noise": Must(NewGaussianNoise(0.1, false)),
		"Blur": Must(NewGaussianBlur(3, [2]float64{1, 1})), "Compose": Must(NewCompose()),
		"RRC": Must(NewRandomResizedCrop(2, 2, [2]float64{0.5, 1}, [2]float64{1, 1})),
	} {
		t.Run(name, func(t *testing.T) {
			mustPanic(t, "short dst", func() { tr.Apply(newRNG(1), make([]float32, 3), src, s) })
			mustPanic(t, "short src", func() { tr.Apply(newRNG(1), make([]float32, 16), src[:8], s) })
		})
	}
	mustPanic(t, "jitter on 2 channels", func() {
		apply(Must(NewColorJitter(0.1, 0, 0, 0)), 1, make([]float32, 8), Shape{2, 2, 2})
	})
}
