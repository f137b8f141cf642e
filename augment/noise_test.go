package augment

import (
	"math"
	"slices"
	"testing"
)

func normCDF(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }

func TestNormal32Distribution(t *testing.T) {
	const n = 400000
	z := make([]float64, n)
	w := wyrand{s: 12345}
	var s1, s2, s4 float64
	tail := 0
	for i := range z {
		v := float64(normal32(uint32(w.next()), &w))
		z[i] = v
		s1 += v
		s2 += v * v
		s4 += v * v * v * v
		if math.Abs(v) > zigR {
			tail++
		}
	}
	mean, m2 := s1/n, s2/n
	if math.Abs(mean) > 5/math.Sqrt(n) {
		t.Errorf("mean %g", mean)
	}
	if math.Abs(m2-1) > 5*math.Sqrt(2.0/n) {
		t.Errorf("variance %g", m2)
	}
	if k := s4 / n; math.Abs(k-3) > 5*math.Sqrt(96.0/n) {
		t.Errorf("fourth moment %g, want 3", k)
	}
	// Tail beyond the ziggurat base, sampled by the slow path: P = 2(1-Phi(r)).
	want := 2 * (1 - normCDF(zigR)) * n
	if d := math.Abs(float64(tail) - want); d > 5*math.Sqrt(want) {
		t.Errorf("%d samples beyond %g, want %.0f", tail, zigR, want)
	}
	// Kolmogorov-Smirnov against the normal CDF; 1.95/sqrt(n) is the 0.1% level.
	slices.Sort(z)
	var d float64
	for i, v := range z {
		c := normCDF(v)
		d = max(d, math.Abs(c-float64(i)/n), math.Abs(float64(i+1)/n-c))
	}
	if d > 1.95/math.Sqrt(n) {
		t.Errorf("KS distance %g > %g", d, 1.95/math.Sqrt(n))
	}
}

func TestGaussianNoise(t *testing.T) {
	s := Shape{1, 100, 101} // odd length exercises the tail element
	src := make([]float32, s.Len())
	for i := range src {
		src[i] = 0.5
	}
	for _, std := range []float64{0.1, 0.3} {
		out := apply(Must(NewGaussianNoise(std, false)), 1, src, s)
		var s1, s2 float64
		neg := 0
		for _, v := range out {
			d := float64(v) - 0.5
			s1 += d
			s2 += d * d
			if v < 0 {
				neg++
			}
		}
		n := float64(len(out))
		mean, sd := s1/n, math.Sqrt(s2/n-(s1/n)*(s1/n))
		if math.Abs(mean) > 5*std/math.Sqrt(n) || math.Abs(sd-std)/std > 0.03 {
			t.Errorf("std %g: mean %g, sd %g", std, mean, sd)
		}
		if std == 0.3 && neg == 0 {
			t.Error("unclamped noise never went below 0")
		}
		cl := apply(Must(NewGaussianNoise(std, true)), 1, src, s)
		if !inRange(cl) {
			t.Errorf("std %g clamped output left [0, 1]", std)
		}
	}
	// The last element gets noise too.
	out := apply(Must(NewGaussianNoise(0.1, false)), 2, src, s)
	if out[len(out)-1] == 0.5 {
		t.Error("last element unchanged")
	}
	in := append([]float32(nil), src...)
	Must(NewGaussianNoise(0.1, false)).Apply(newRNG(2), in, in, s)
	assertClose(t, "in place", in, out, 0)
	if _, err := NewGaussianNoise(-1, false); err == nil {
		t.Error("negative std accepted")
	}
}
