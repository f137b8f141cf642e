package loss

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// naiveCoSENT is the formula of Su 2022 as written, in float64.
func naiveCoSENT(c []float64, s []float32, scale float64) float64 {
	sum := 1.0
	for i := range c {
		for j := range c {
			if s[i] > s[j] {
				sum += math.Exp(scale * (c[j] - c[i]))
			}
		}
	}
	return math.Log(sum)
}

func cosentCase(seed uint64, n int, ties bool) ([]float32, []float32) {
	rng := rand.New(rand.NewPCG(seed, 7))
	c, s := make([]float32, n), make([]float32, n)
	for i := range c {
		c[i] = float32(rng.Float64()*2 - 1)
		s[i] = float32(rng.Float64() * 5)
		if ties {
			s[i] = float32(rng.IntN(3))
		}
	}
	return c, s
}

func TestCoSENTAgainstNaive(t *testing.T) {
	cases := []struct {
		name  string
		n     int
		scale float32
		ties  bool
		seed  uint64
	}{
		{"n2", 2, 20, false, 1},
		{"n17 scale20", 17, 20, false, 2},
		{"n40 scale5 ties", 40, 5, true, 3},
		{"n64 scale1", 64, 1, false, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c32, s := cosentCase(tc.seed, tc.n, tc.ties)
			l, err := NewCoSENT(tc.scale)
			if err != nil {
				t.Fatal(err)
			}
			cos := ag.Param("cos", tensor.FromSlice(append([]float32(nil), c32...), tc.n))
			tp := ag.NewTape(true)
			out := l.Forward(tp, cos, s)
			c64 := make([]float64, tc.n)
			for i, v := range c32 {
				c64[i] = float64(v)
			}
			want := naiveCoSENT(c64, s, float64(tc.scale))
			if got := float64(out.Item()); math.Abs(got-want) > 1e-5*math.Max(1, want) {
				t.Fatalf("loss %v, naive %v", got, want)
			}
			tp.Backward(out)
			// Central differences of the naive float64 formula.
			const h = 1e-6
			for i := range c64 {
				orig := c64[i]
				c64[i] = orig + h
				lp := naiveCoSENT(c64, s, float64(tc.scale))
				c64[i] = orig - h
				lm := naiveCoSENT(c64, s, float64(tc.scale))
				c64[i] = orig
				num := (lp - lm) / (2 * h)
				if got := float64(cos.Grad.Data[i]); math.Abs(got-num) > 1e-4*math.Max(1, math.Abs(num)) {
					t.Fatalf("d/dc[%d]: analytic %v, numeric %v", i, got, num)
				}
			}
		})
	}
}

// TestCoSENTHand checks values worked out by hand.
func TestCoSENTHand(t *testing.T) {
	cases := []struct {
		name   string
		c, s   []float32
		scale  float32
		want   float64
		wantG0 float64 // dL/dc[0]
	}{
		// One ordered pair (0 above 1), ranked right: log(1 + e^{20(0.2-0.8)}).
		{"right order", []float32{0.8, 0.2}, []float32{4, 1}, 20, math.Log(1 + math.Exp(-12)), -20 * math.Exp(-12) / (1 + math.Exp(-12))},
		// Ranked wrong: log(1 + e^{20(0.8-0.2)}).
		{"wrong order", []float32{0.2, 0.8}, []float32{4, 1}, 20, math.Log(1 + math.Exp(12)), -20 * math.Exp(12) / (1 + math.Exp(12))},
		// Equal scores compare nothing: log 1.
		{"ties", []float32{0.1, 0.9, 0.5}, []float32{2, 2, 2}, 20, 0, 0},
		// Three pairs, scale 1: 1 + e^{c1-c0} + e^{c2-c0} + e^{c2-c1}.
		{"three", []float32{0.5, 0, -0.5}, []float32{3, 2, 1}, 1, math.Log(1 + math.Exp(-0.5) + math.Exp(-1) + math.Exp(-0.5)),
			-(math.Exp(-0.5) + math.Exp(-1)) / (1 + math.Exp(-0.5) + math.Exp(-1) + math.Exp(-0.5))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cos := ag.Param("cos", tensor.FromSlice(append([]float32(nil), tc.c...), len(tc.c)))
			tp := ag.NewTape(true)
			out := CoSENT{Scale: tc.scale}.Forward(tp, cos, tc.s)
			if got := float64(out.Item()); math.Abs(got-tc.want) > 1e-6*math.Max(1, tc.want) {
				t.Fatalf("loss %v, want %v", got, tc.want)
			}
			tp.Backward(out)
			if got := float64(cos.Grad.Data[0]); math.Abs(got-tc.wantG0) > 1e-5*math.Max(1, math.Abs(tc.wantG0)) {
				t.Fatalf("dL/dc0 %v, want %v", got, tc.wantG0)
			}
		})
	}
}

// TestCoSENTStable checks that a large scale with badly ranked pairs stays
// finite (the naive formula overflows float64 there) and that the loss depends
// only on the order of the scores.
func TestCoSENTStable(t *testing.T) {
	c := []float32{-1, 1, -1, 1}
	s := []float32{5, 0, 4, 1}
	out := CoSENT{Scale: 500}.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(c, 4)), s)
	// The largest exponent is 500·2 = 1000 (four times); L ≈ 1000 + log 4.
	if got, want := float64(out.Item()), 1000+math.Log(4); math.Abs(got-want) > 1e-3 {
		t.Fatalf("loss %v, want %v", got, want)
	}
	c2, s2 := cosentCase(9, 30, false)
	monotone := make([]float32, len(s2))
	for i, v := range s2 {
		monotone[i] = float32(math.Exp(float64(v))) // same order, other scale
	}
	a := CoSENT{Scale: 20}.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(c2, 30)), s2).Item()
	b := CoSENT{Scale: 20}.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(c2, 30)), monotone).Item()
	if a != b {
		t.Fatalf("loss changed under a monotone transform of the scores: %v vs %v", a, b)
	}
}

func TestNewCoSENT(t *testing.T) {
	for _, s := range []float32{0, -1, float32(math.Inf(1)), float32(math.NaN())} {
		if _, err := NewCoSENT(s); err == nil {
			t.Errorf("NewCoSENT(%v): no error", s)
		}
	}
	if _, err := NewCoSENT(20); err != nil {
		t.Fatal(err)
	}
}
