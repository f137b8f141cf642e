package augment

import (
	"fmt"
	"math"
	"testing"
)

// padCropOracle builds the zero-padded image explicitly and crops the window
// at (oy, ox) of the padded image.
func padCropOracle(src []float32, s Shape, pad, oy, ox int) []float32 {
	ph, pw := s.H+2*pad, s.W+2*pad
	padded := make([]float32, s.C*ph*pw)
	for c := 0; c < s.C; c++ {
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				padded[(c*ph+y+pad)*pw+x+pad] = at(src, s, c, y, x)
			}
		}
	}
	out := make([]float32, s.Len())
	for c := 0; c < s.C; c++ {
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				out[(c*s.H+y)*s.W+x] = padded[(c*ph+y+oy)*pw+x+ox]
			}
		}
	}
	return out
}

func TestShiftMatchesPaddedCrop(t *testing.T) {
	rng := newRNG(1)
	for _, s := range []Shape{{1, 28, 28}, {3, 5, 7}, {1, 1, 1}} {
		src := randImage(rng, s)
		for _, pad := range []int{0, 1, 4, 9} {
			for oy := 0; oy <= 2*pad; oy += max(1, pad/2) {
				for ox := 0; ox <= 2*pad; ox += max(1, pad/3) {
					t.Run(fmt.Sprintf("%v/pad%d/oy%d/ox%d", s, pad, oy, ox), func(t *testing.T) {
						got := make([]float32, s.Len())
						Shift(got, src, s, pad-oy, pad-ox)
						assertClose(t, "shift", got, padCropOracle(src, s, pad, oy, ox), 0)
					})
				}
			}
		}
	}
}

func TestShiftZeroOffsetMovesByPad(t *testing.T) {
	// Crop offset (0, 0) in the 4-padded image = content moved 4 down, 4 right.
	s := Shape{1, 28, 28}
	src := randImage(newRNG(2), s)
	got := make([]float32, s.Len())
	Shift(got, src, s, 4, 4)
	for y := 0; y < 28; y++ {
		for x := 0; x < 28; x++ {
			want := float32(0)
			if y >= 4 && x >= 4 {
				want = at(src, s, 0, y-4, x-4)
			}
			if g := at(got, s, 0, y, x); g != want {
				t.Fatalf("(%d,%d) = %g, want %g", y, x, g, want)
			}
		}
	}
}

func TestPadCropDrawsAllOffsetsUniformly(t *testing.T) {
	// A single lit pixel in the middle reveals the shift of each draw.
	s := Shape{1, 28, 28}
	src := make([]float32, s.Len())
	src[14*28+14] = 1
	pc := Must(NewPadCrop(4))
	var count [9][9]int
	rng := newRNG(3)
	dst := make([]float32, s.Len())
	const n = 81 * 200
	for range n {
		pc.Apply(rng, dst, src, s)
		found := 0
		for i, v := range dst {
			if v == 1 {
				dy, dx := i/28-14, i%28-14
				count[dy+4][dx+4]++
				found++
			} else if v != 0 {
				t.Fatalf("value %g at %d", v, i)
			}
		}
		if found != 1 {
			t.Fatalf("found %d lit pixels", found)
		}
	}
	for dy := range count {
		for dx, c := range count[dy] {
			// Expected 200 each; 5 sigma band.
			if c < 130 || c > 270 {
				t.Errorf("shift (%d,%d) drawn %d times of %d", dy-4, dx-4, c, n)
			}
		}
	}
}

func TestPadCropReplaysDraws(t *testing.T) {
	s := Shape{3, 6, 5}
	src := randImage(newRNG(4), s)
	pc := Must(NewPadCrop(2))
	for seed := range uint64(20) {
		got := apply(pc, seed, src, s)
		r := newRNG(seed)
		oy, ox := r.IntN(5), r.IntN(5)
		assertClose(t, fmt.Sprint("seed ", seed), got, padCropOracle(src, s, 2, oy, ox), 0)
	}
	if got := apply(Must(NewPadCrop(0)), 1, src, s); maxAbsDiff(got, src) != 0 {
		t.Fatal("pad 0 is not the identity")
	}
	if _, err := NewPadCrop(-1); err == nil {
		t.Fatal("negative padding accepted")
	}
}

func TestHorizontalFlip(t *testing.T) {
	s := Shape{3, 4, 5}
	src := randImage(newRNG(5), s)
	flip := Must(NewHorizontalFlip(1))
	once := apply(flip, 1, src, s)
	for c := 0; c < s.C; c++ {
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				if at(once, s, c, y, x) != at(src, s, c, y, s.W-1-x) {
					t.Fatalf("pixel (%d,%d,%d) not mirrored", c, y, x)
				}
			}
		}
	}
	assertClose(t, "flip twice", apply(flip, 2, once, s), src, 0)
	inplace := append([]float32(nil), src...)
	flip.Apply(newRNG(1), inplace, inplace, s)
	assertClose(t, "in place", inplace, once, 0)
	assertClose(t, "p=0", apply(Must(NewHorizontalFlip(0)), 1, src, s), src, 0)
	// p = 0.5 flips about half the time.
	half := Must(NewHorizontalFlip(0.5))
	rng, dst, flips := newRNG(6), make([]float32, s.Len()), 0
	for range 4000 {
		half.Apply(rng, dst, src, s)
		if maxAbsDiff(dst, once) == 0 {
			flips++
		}
	}
	if flips < 1850 || flips > 2150 {
		t.Fatalf("flipped %d of 4000", flips)
	}
}

func TestResizeCropIdentityAndHandCase(t *testing.T) {
	s := Shape{3, 7, 9}
	src := randImage(newRNG(7), s)
	got := make([]float32, s.Len())
	ResizeCrop(got, src, s, Rect{0, 0, 7, 9}, 7, 9)
	assertClose(t, "full crop, same size", got, src, 0)

	// PyTorch: interpolate([[0,1],[2,3]], size=4, bilinear, align_corners=False).
	two := Shape{1, 2, 2}
	up := make([]float32, 16)
	ResizeCrop(up, []float32{0, 1, 2, 3}, two, Rect{0, 0, 2, 2}, 4, 4)
	want := []float32{0, 0.25, 0.75, 1, 0.5, 0.75, 1.25, 1.5, 1.5, 1.75, 2.25, 2.5, 2, 2.25, 2.75, 3}
	assertClose(t, "2x2 -> 4x4", up, want, 1e-6)

	// A crop at integer scale 1 picks exactly the crop's pixels.
	sub := make([]float32, 3*3*4)
	ResizeCrop(sub, src, s, Rect{2, 3, 3, 4}, 3, 4)
	for c := 0; c < 3; c++ {
		for y := 0; y < 3; y++ {
			for x := 0; x < 4; x++ {
				if sub[(c*3+y)*4+x] != at(src, s, c, y+2, x+3) {
					t.Fatalf("crop pixel (%d,%d,%d) wrong", c, y, x)
				}
			}
		}
	}
	mustPanic(t, "rect outside", func() { ResizeCrop(sub, src, s, Rect{5, 3, 3, 4}, 3, 4) })
}

func TestRandomResizedCrop(t *testing.T) {
	s := Shape{3, 20, 30}
	src := randImage(newRNG(8), s)
	full := Must(NewRandomResizedCrop(20, 30, [2]float64{1, 1}, [2]float64{1.5, 1.5}))
	assertClose(t, "whole image at same size", apply(full, 1, src, s), src, 1e-6)

	rrc := Must(NewRandomResizedCrop(16, 16, [2]float64{0.08, 1}, [2]float64{3.0 / 4, 4.0 / 3}))
	if got := rrc.OutShape(s); got != (Shape{3, 16, 16}) {
		t.Fatalf("OutShape %v", got)
	}
	rng := newRNG(9)
	for range 2000 {
		r := rrc.Sample(rng, s.H, s.W)
		if r.Y < 0 || r.X < 0 || r.H < 1 || r.W < 1 || r.Y+r.H > s.H || r.X+r.W > s.W {
			t.Fatalf("rect %+v outside %v", r, s)
		}
		frac := float64(r.H*r.W) / float64(s.H*s.W)
		ar := float64(r.W) / float64(r.H)
		// Rounding each side to whole pixels moves area and ratio a little.
		if frac < 0.05 || frac > 1 || ar < 0.55 || ar > 1.7 {
			t.Fatalf("rect %+v: area fraction %.3f, ratio %.3f", r, frac, ar)
		}
	}
	out := apply(rrc, 3, src, s)
	if !inRange(out) {
		t.Fatal("bilinear output left [0, 1]")
	}
	// Impossible ratio on a square image: falls back to a central crop.
	thin := Must(NewRandomResizedCrop(4, 4, [2]float64{0.9, 1}, [2]float64{5, 6}))
	if r := thin.Sample(newRNG(1), 10, 10); r != (Rect{Y: 4, X: 0, H: 2, W: 10}) {
		t.Fatalf("fallback rect %+v", r)
	}
	for _, bad := range [][2][2]float64{{{0, 0}, {1, 1}}, {{0.5, 0.2}, {1, 1}}, {{0.1, 1}, {0, 1}}, {{0.1, 1.5}, {1, 1}}} {
		if _, err := NewRandomResizedCrop(4, 4, bad[0], bad[1]); err == nil {
			t.Errorf("scale %v ratio %v accepted", bad[0], bad[1])
		}
	}
}

func TestAffineWarp(t *testing.T) {
	sq := Shape{2, 9, 9}
	src := randImage(newRNG(10), sq)
	got := make([]float32, sq.Len())

	AffineWarp(got, src, sq, AffineParams{Scale: 1}, 0)
	assertClose(t, "rotation 0", got, src, 0)

	// 90 degrees counter-clockwise: out[y][x] = in[x][W-1-y] (transpose, then
	// flip vertically).
	AffineWarp(got, src, sq, AffineParams{Degrees: 90, Scale: 1}, 0)
	want := make([]float32, sq.Len())
	for c := 0; c < sq.C; c++ {
		for y := 0; y < 9; y++ {
			for x := 0; x < 9; x++ {
				want[(c*9+y)*9+x] = at(src, sq, c, x, 8-y)
			}
		}
	}
	assertClose(t, "rotation 90", got, want, 1e-5)

	AffineWarp(got, src, sq, AffineParams{Degrees: 360, Scale: 1}, 0)
	assertClose(t, "rotation 360", got, src, 1e-5)

	// Integer translation = Shift with the fill outside.
	AffineWarp(got, src, sq, AffineParams{DX: 2, DY: -3, Scale: 1}, 0)
	Shift(want, src, sq, -3, 2)
	assertClose(t, "translation", got, want, 0)

	// Scale 2 about the centre: out(c + d) = in(c + d/2).
	AffineWarp(got, src, sq, AffineParams{Scale: 2}, 0.5)
	for _, p := range [][2]int{{4, 4}, {2, 2}, {6, 4}, {4, 8}} {
		y, x := p[0], p[1]
		fy, fx := 4+float64(y-4)/2, 4+float64(x-4)/2
		y0, x0 := int(math.Floor(fy)), int(math.Floor(fx))
		ly, lx := float32(fy-float64(y0)), float32(fx-float64(x0))
		v := func(yy, xx int) float32 { return at(src, sq, 1, yy, xx) }
		w := (1-ly)*((1-lx)*v(y0, x0)+lx*v(y0, min(x0+1, 8))) + ly*((1-lx)*v(min(y0+1, 8), x0)+lx*v(min(y0+1, 8), min(x0+1, 8)))
		if g := at(got, sq, 1, y, x); math.Abs(float64(g-w)) > 1e-5 {
			t.Fatalf("scale 2 at (%d,%d): %g, want %g", y, x, g, w)
		}
	}
	// Shrinking by 1/2 brings fill in at the borders.
	AffineWarp(got, src, sq, AffineParams{Scale: 0.5}, 0.25)
	if g := at(got, sq, 0, 0, 0); g != 0.25 {
		t.Fatalf("corner after shrink = %g, want fill 0.25", g)
	}

	a := Must(NewAffine(15, [2]float64{0.1, 0.1}, [2]float64{0.9, 1.1}, 0))
	if out := apply(a, 1, src, sq); !inRange(out) {
		t.Fatal("affine output left [0, 1]")
	}
	if _, err := NewAffine(-1, [2]float64{}, [2]float64{1, 1}, 0); err == nil {
		t.Fatal("negative degrees accepted")
	}
}

func TestWarp(t *testing.T) {
	s := Shape{1, 16, 16}
	src := randImage(newRNG(11), s)
	assertClose(t, "alpha 0", apply(Must(NewWarp(4, 0)), 1, src, s), src, 0)

	// On a horizontal ramp v = x/15 every interior output is the ramp at a
	// position displaced by at most alpha.
	ramp := make([]float32, s.Len())
	for y := 0; y < 16; y++ {
		for x := 0; x < 16; x++ {
			ramp[y*16+x] = float32(x) / 15
		}
	}
	const alpha = 1.5
	w := Must(NewWarp(5, alpha))
	for seed := range uint64(20) {
		out := apply(w, seed, ramp, s)
		moved := false
		for y := 2; y < 14; y++ {
			for x := 2; x < 14; x++ {
				d := math.Abs(float64(out[y*16+x]) - float64(x)/15)
				if d > alpha/15+1e-5 {
					t.Fatalf("seed %d (%d,%d): displaced by %g px > alpha", seed, y, x, d*15)
				}
				moved = moved || d > 1e-3
			}
		}
		if !moved {
			t.Fatalf("seed %d: warp moved nothing", seed)
		}
	}
	for _, g := range []int{1, MaxWarpGrid + 1} {
		if _, err := NewWarp(g, 1); err == nil {
			t.Errorf("grid %d accepted", g)
		}
	}
}
