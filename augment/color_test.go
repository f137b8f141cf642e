package augment

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"
)

// golden holds PyTorch results made by testdata/make_golden.py.
type golden struct {
	Shape  []int     `json:"shape"`
	Image  []float32 `json:"image"`
	Resize []struct {
		Rect [4]int    `json:"rect"`
		Out  [2]int    `json:"out"`
		Want []float32 `json:"want"`
	} `json:"resize"`
	Blur []struct {
		Size  int       `json:"size"`
		Sigma float64   `json:"sigma"`
		Want  []float32 `json:"want"`
	} `json:"blur"`
	Contrast   []factorCase `json:"contrast"`
	Saturation []factorCase `json:"saturation"`
	Hue        []struct {
		H    float32   `json:"h"`
		Want []float32 `json:"want"`
	} `json:"hue"`
	Gray []float32 `json:"gray"`
}

type factorCase struct {
	F    float32   `json:"f"`
	Want []float32 `json:"want"`
}

func loadGolden(t *testing.T) (*golden, Shape) {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return &g, Shape{g.Shape[0], g.Shape[1], g.Shape[2]}
}

func TestAgainstPyTorch(t *testing.T) {
	g, s := loadGolden(t)
	for _, c := range g.Resize {
		t.Run(fmt.Sprintf("resize%v->%v", c.Rect, c.Out), func(t *testing.T) {
			got := make([]float32, s.C*c.Out[0]*c.Out[1])
			ResizeCrop(got, g.Image, s, Rect{c.Rect[0], c.Rect[1], c.Rect[2], c.Rect[3]}, c.Out[0], c.Out[1])
			assertClose(t, "resize", got, c.Want, 2e-6)
		})
	}
	for _, c := range g.Blur {
		t.Run(fmt.Sprintf("blur%d/sigma%g", c.Size, c.Sigma), func(t *testing.T) {
			got := make([]float32, s.Len())
			Blur(got, g.Image, s, c.Size, c.Sigma)
			assertClose(t, "blur", got, c.Want, 2e-6)
		})
	}
	for _, c := range g.Contrast {
		t.Run(fmt.Sprintf("contrast%g", c.F), func(t *testing.T) {
			got := make([]float32, s.Len())
			AdjustContrast(got, g.Image, s, c.F)
			assertClose(t, "contrast", got, c.Want, 2e-6)
		})
	}
	for _, c := range g.Saturation {
		t.Run(fmt.Sprintf("saturation%g", c.F), func(t *testing.T) {
			got := make([]float32, s.Len())
			AdjustSaturation(got, g.Image, s, c.F)
			assertClose(t, "saturation", got, c.Want, 2e-6)
		})
	}
	for _, c := range g.Hue {
		t.Run(fmt.Sprintf("hue%g", c.H), func(t *testing.T) {
			got := make([]float32, s.Len())
			AdjustHue(got, g.Image, s, c.H)
			assertClose(t, "hue", got, c.Want, 3e-6)
		})
	}
	t.Run("grayscale", func(t *testing.T) {
		got := make([]float32, s.Len())
		ToGrayscale(got, g.Image, s)
		assertClose(t, "gray", got, g.Gray, 2e-6)
	})
}

func TestColorHandCases(t *testing.T) {
	px := Shape{3, 1, 1}
	out := make([]float32, 3)
	for _, c := range []struct {
		h    float32
		in   [3]float32
		want [3]float32
	}{
		{1.0 / 3, [3]float32{1, 0, 0}, [3]float32{0, 1, 0}},          // red -> green
		{-1.0 / 3, [3]float32{1, 0, 0}, [3]float32{0, 0, 1}},         // red -> blue
		{0.5, [3]float32{0.8, 0.2, 0.2}, [3]float32{0.2, 0.8, 0.8}},  // complement
		{0.25, [3]float32{0.4, 0.4, 0.4}, [3]float32{0.4, 0.4, 0.4}}, // grey has no hue
	} {
		AdjustHue(out, c.in[:], px, c.h)
		assertClose(t, fmt.Sprintf("hue %g of %v", c.h, c.in), out, c.want[:], 1e-6)
	}
	AdjustBrightness(out, []float32{0.2, 0.5, 0.9}, px, 1.5)
	assertClose(t, "brightness", out, []float32{0.3, 0.75, 1}, 1e-6)
	AdjustSaturation(out, []float32{0.2, 0.5, 0.9}, px, 0)
	l := float32(0.2989*0.2 + 0.587*0.5 + 0.114*0.9)
	assertClose(t, "saturation 0 = grey", out, []float32{l, l, l}, 1e-6)

	grey := Shape{1, 2, 2}
	g := make([]float32, 4)
	AdjustContrast(g, []float32{0, 0.2, 0.4, 0.6}, grey, 0.5)
	assertClose(t, "grey contrast", g, []float32{0.15, 0.25, 0.35, 0.45}, 1e-6)
	AdjustSaturation(g, []float32{0, 0.2, 0.4, 0.6}, grey, 0)
	assertClose(t, "grey saturation is a copy", g, []float32{0, 0.2, 0.4, 0.6}, 0)
}

func TestColorJitter(t *testing.T) {
	rgb := Shape{3, 8, 8}
	src := randImage(newRNG(12), rgb)
	assertClose(t, "all zero", apply(Must(NewColorJitter(0, 0, 0, 0)), 1, src, rgb), src, 0)
	cj := Must(NewColorJitter(0.8, 0.8, 0.8, 0.2))
	changed := 0
	for seed := range uint64(50) {
		out := apply(cj, seed, src, rgb)
		if !inRange(out) {
			t.Fatalf("seed %d: output left [0, 1]", seed)
		}
		if maxAbsDiff(out, src) > 1e-3 {
			changed++
		}
		in := append([]float32(nil), src...)
		cj.Apply(newRNG(seed), in, in, rgb)
		assertClose(t, "in place", in, out, 0)
	}
	if changed < 45 {
		t.Fatalf("only %d of 50 jitters changed the image", changed)
	}
	// Grey images: only brightness (a scale) and contrast (a blend with the
	// mean) apply, so the output is an affine function a*x+b of the input.
	grey := Shape{1, 6, 6}
	gsrc := randImage(newRNG(13), grey)
	for i := range gsrc {
		gsrc[i] = 0.3 + 0.4*gsrc[i] // stay clear of clamping
	}
	onlyHue := Must(NewColorJitter(0, 0, 0.9, 0.4))
	assertClose(t, "grey saturation/hue", apply(onlyHue, 3, gsrc, grey), gsrc, 0)
	soft := Must(NewColorJitter(0.3, 0.3, 0.9, 0.4))
	out := apply(soft, 4, gsrc, grey)
	a := (out[1] - out[0]) / (gsrc[1] - gsrc[0])
	b := out[0] - a*gsrc[0]
	for i := range out {
		if math.Abs(float64(out[i]-(a*gsrc[i]+b))) > 1e-5 {
			t.Fatalf("grey jitter is not affine at %d", i)
		}
	}
	if _, err := NewColorJitter(0, 0, 0, 0.6); err == nil {
		t.Fatal("hue 0.6 accepted")
	}
}

func TestGrayscale(t *testing.T) {
	s := Shape{3, 4, 4}
	src := randImage(newRNG(14), s)
	out := apply(Must(NewGrayscale(1)), 1, src, s)
	n := 16
	for i := 0; i < n; i++ {
		want := 0.2989*src[i] + 0.587*src[n+i] + 0.114*src[2*n+i]
		for c := 0; c < 3; c++ {
			if math.Abs(float64(out[c*n+i]-want)) > 1e-6 {
				t.Fatalf("pixel %d channel %d: %g, want %g", i, c, out[c*n+i], want)
			}
		}
	}
	assertClose(t, "p=0", apply(Must(NewGrayscale(0)), 1, src, s), src, 0)
}

// blurOracle convolves with the full 2-D kernel over an explicitly reflected
// neighbourhood, in float64.
func blurOracle(src []float32, s Shape, size int, sigma float64) []float32 {
	r := size / 2
	k := make([]float64, size)
	var sum float64
	for i := range k {
		k[i] = math.Exp(-float64((i-r)*(i-r)) / (2 * sigma * sigma))
		sum += k[i]
	}
	refl := func(i, n int) int {
		if n == 1 {
			return 0
		}
		for i < 0 || i >= n {
			if i < 0 {
				i = -i
			}
			if i >= n {
				i = 2*(n-1) - i
			}
		}
		return i
	}
	out := make([]float32, s.Len())
	for c := 0; c < s.C; c++ {
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				var acc float64
				for i := 0; i < size; i++ {
					for j := 0; j < size; j++ {
						acc += k[i] * k[j] / (sum * sum) * float64(at(src, s, c, refl(y+i-r, s.H), refl(x+j-r, s.W)))
					}
				}
				out[(c*s.H+y)*s.W+x] = float32(acc)
			}
		}
	}
	return out
}

func TestBlur(t *testing.T) {
	for _, c := range []struct {
		s     Shape
		size  int
		sigma float64
	}{
		{Shape{1, 28, 28}, 3, 1}, {Shape{3, 10, 13}, 7, 2}, {Shape{1, 5, 5}, 9, 3}, {Shape{1, 1, 4}, 3, 1}, {Shape{2, 6, 3}, 1, 1},
	} {
		t.Run(fmt.Sprintf("%v/k%d/s%g", c.s, c.size, c.sigma), func(t *testing.T) {
			src := randImage(newRNG(15), c.s)
			got := make([]float32, c.s.Len())
			Blur(got, src, c.s, c.size, c.sigma)
			assertClose(t, "blur", got, blurOracle(src, c.s, c.size, c.sigma), 1e-5)
		})
	}
	s := Shape{1, 8, 8}
	flat := make([]float32, s.Len())
	for i := range flat {
		flat[i] = 0.7
	}
	assertClose(t, "constant", apply(Must(NewGaussianBlur(5, [2]float64{0.1, 2})), 1, flat, s), flat, 1e-6)
	for _, k := range []int{0, 2, MaxBlurKernel + 2} {
		if _, err := NewGaussianBlur(k, [2]float64{1, 1}); err == nil {
			t.Errorf("kernel %d accepted", k)
		}
	}
}

func TestSolarizeNormalize(t *testing.T) {
	s := Shape{1, 1, 4}
	src := []float32{0.1, 0.5, 0.7, 1}
	assertClose(t, "solarize", apply(Must(NewSolarize(0.5, 1)), 1, src, s), []float32{0.1, 0.5, 0.3, 0}, 1e-7)
	assertClose(t, "solarize p=0", apply(Must(NewSolarize(0.5, 0)), 1, src, s), src, 0)
	n := Must(NewNormalize([]float32{0.5}, []float32{0.25}))
	assertClose(t, "normalize", apply(n, 1, src, s), []float32{-1.6, 0, 0.8, 2}, 1e-6)
	mustPanic(t, "normalize channels", func() { apply(n, 1, make([]float32, 12), Shape{3, 1, 4}) })
	if _, err := NewNormalize([]float32{0}, []float32{0}); err == nil {
		t.Fatal("std 0 accepted")
	}
}

func TestRandomErasing(t *testing.T) {
	s := Shape{3, 20, 24}
	src := randImage(newRNG(16), s)
	for _, p := range src {
		if p == -1 {
			t.Fatal("test image holds the fill value")
		}
	}
	e := Must(NewRandomErasing(1, [2]float64{0.02, 0.33}, [2]float64{0.3, 3.3}, EraseConstant, -1))
	erased := 0
	for seed := range uint64(200) {
		out := apply(e, seed, src, s)
		// The changed pixels form one rectangle, the same in every channel.
		y0, x0, y1, x1, n := s.H, s.W, -1, -1, 0
		for y := 0; y < s.H; y++ {
			for x := 0; x < s.W; x++ {
				if at(out, s, 0, y, x) == -1 {
					y0, x0, y1, x1 = min(y0, y), min(x0, x), max(y1, y), max(x1, x)
					n++
				}
			}
		}
		if n == 0 {
			continue
		}
		erased++
		h, w := y1-y0+1, x1-x0+1
		if n != h*w {
			t.Fatalf("seed %d: %d erased pixels do not fill their %dx%d box", seed, n, h, w)
		}
		if f := float64(n) / float64(s.H*s.W); f < 0.01 || f > 0.36 {
			t.Fatalf("seed %d: erased fraction %.3f outside the scale range", seed, f)
		}
		for c := 0; c < s.C; c++ {
			for y := 0; y < s.H; y++ {
				for x := 0; x < s.W; x++ {
					inside := y >= y0 && y <= y1 && x >= x0 && x <= x1
					g, o := at(out, s, c, y, x), at(src, s, c, y, x)
					if inside && g != -1 || !inside && g != o {
						t.Fatalf("seed %d: pixel (%d,%d,%d) wrong", seed, c, y, x)
					}
				}
			}
		}
	}
	if erased < 190 {
		t.Fatalf("erased only %d of 200 with p=1", erased)
	}
	noise := Must(NewRandomErasing(1, [2]float64{0.3, 0.3}, [2]float64{1, 1}, EraseNoise, 0))
	if out := apply(noise, 1, src, s); inRange(out) {
		t.Fatal("noise fill produced no value outside [0, 1]")
	}
	if EraseNoise.String() != "noise" || EraseFill(7).String() != "EraseFill(7)" {
		t.Fatal("EraseFill.String")
	}
}
