package ag

import (
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// ulpDiff is the distance between two finite float32 values in units in the last place.
func ulpDiff(a, b float32) int64 {
	ia, ib := int64(int32(math.Float32bits(a))), int64(int32(math.Float32bits(b)))
	if ia < 0 {
		ia = math.MinInt32 - ia
	}
	if ib < 0 {
		ib = math.MinInt32 - ib
	}
	if d := ia - ib; d >= 0 {
		return d
	}
	return ib - ia
}

func TestExp32(t *testing.T) {
	rng := tensor.NewRNG(5)
	xs := []float32{0, -0, 1, -1, 0.5, 1e-8, -1e-8, 88.37, 88.38, 88.7, 89, -87.33, -87.34, -100, -104, -200,
		float32(math.Inf(1)), float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32, -math.MaxFloat32}
	for range 200000 {
		xs = append(xs, float32(rng.Float64()*180-90))
	}
	for range 20000 {
		xs = append(xs, float32(rng.NormFloat64()*1e-3))
	}
	worst := int64(0)
	for _, x := range xs {
		got, want := exp32(x), float32(math.Exp(float64(x)))
		if math.IsNaN(float64(want)) {
			if !math.IsNaN(float64(got)) {
				t.Fatalf("exp32(%v) = %v, want NaN", x, got)
			}
			continue
		}
		if math.IsInf(float64(want), 0) || want == 0 {
			if got != want {
				t.Fatalf("exp32(%v) = %v, want %v", x, got, want)
			}
			continue
		}
		if d := ulpDiff(got, want); d > worst {
			worst = d
			if d > 2 {
				t.Fatalf("exp32(%v) = %v, want %v (%d ulp)", x, got, want, d)
			}
		}
	}
	t.Logf("worst error %d ulp over %d points", worst, len(xs))
}

func TestTanh32(t *testing.T) {
	rng := tensor.NewRNG(6)
	for i := range 100000 {
		u := float32(rng.NormFloat64() * 4)
		if i < 3 {
			u = []float32{0, 30, -30}[i]
		}
		if got, want := tanh32(u), math.Tanh(float64(u)); math.Abs(float64(got)-want) > 2e-7 {
			t.Fatalf("tanh32(%v) = %v, want %v", u, got, want)
		}
	}
	if !math.IsNaN(float64(tanh32(float32(math.NaN())))) {
		t.Error("tanh32(NaN) is not NaN")
	}
}

func BenchmarkExp32(b *testing.B) {
	x := randT(1, 4096).Data
	y := make([]float32, len(x))
	b.Run("exp32", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = exp32(v)
			}
		}
		b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds(), "elems/s")
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range x {
				y[i] = float32(math.Exp(float64(v)))
			}
		}
		b.ReportMetric(float64(len(x)*b.N)/b.Elapsed().Seconds(), "elems/s")
	})
}
