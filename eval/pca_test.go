package eval

import (
	"errors"
	"math"
	"testing"
)

func TestPCAAgainstSVD(t *testing.T) {
	rng := newRNG(13)
	x, _ := clustered(rng, 120, 7, 4, 2)
	x64 := rows64(x)
	sv := centredSVD(t, x64)
	res, err := PCA(x, 3)
	if err != nil {
		t.Fatal(err)
	}
	var total float64
	for _, s := range sv {
		total += s * s / float64(x.Rows-1)
	}
	for c := 0; c < 3; c++ {
		want := sv[c] * sv[c] / float64(x.Rows-1)
		if !near(res.Variance[c], want, 1e-4) || !near(res.VarianceRatio[c], want/total, 1e-4) {
			t.Fatalf("component %d: variance %v ratio %v, SVD %v %v", c, res.Variance[c], res.VarianceRatio[c], want, want/total)
		}
		// The projection's sample variance along component c is its eigenvalue,
		// and the component is a unit vector.
		var m, v, norm float64
		for i := 0; i < x.Rows; i++ {
			m += float64(res.Projected.Data[i*3+c]) / float64(x.Rows)
		}
		for i := 0; i < x.Rows; i++ {
			dv := float64(res.Projected.Data[i*3+c]) - m
			v += dv * dv / float64(x.Rows-1)
		}
		for _, w := range res.Components.Row(c) {
			norm += float64(w) * float64(w)
		}
		if math.Abs(m) > 1e-4 || !near(v, want, 1e-4) || !near(norm, 1, 1e-5) {
			t.Fatalf("component %d: projected mean %v var %v (want %v), |axis|² %v", c, m, v, want, norm)
		}
		// Projection equals (x - mean)·axis computed by hand.
		for i := 0; i < x.Rows; i++ {
			var p float64
			for j := 0; j < x.Cols; j++ {
				p += (x64[i][j] - float64(res.Mean[j])) * float64(res.Components.Data[c*x.Cols+j])
			}
			if !near(float64(res.Projected.Data[i*3+c]), p, 1e-4) {
				t.Fatalf("projected[%d,%d] = %v, by hand %v", i, c, res.Projected.Data[i*3+c], p)
			}
		}
	}
}

func TestPCAHandComputed(t *testing.T) {
	// Points on the line y = 2x: one axis (1, 2)/sqrt 5 with all the variance.
	x := Matrix{3, 2, []float32{0, 0, 1, 2, 2, 4}}
	res, err := PCA(x, 2)
	if err != nil {
		t.Fatal(err)
	}
	s5 := float32(math.Sqrt(5))
	if a := res.Components.Row(0); math.Abs(float64(a[0]-1/s5)) > 1e-6 || math.Abs(float64(a[1]-2/s5)) > 1e-6 {
		t.Fatalf("axis %v, want (1, 2)/sqrt 5", a)
	}
	// Variance along it: projections -sqrt5, 0, sqrt5 -> 10/2 = 5.
	if !near(res.Variance[0], 5, 1e-6) || math.Abs(res.Variance[1]) > 1e-6 || !near(res.VarianceRatio[0], 1, 1e-6) {
		t.Fatalf("variance %v ratio %v", res.Variance, res.VarianceRatio)
	}
	if res.Mean[0] != 1 || res.Mean[1] != 2 {
		t.Fatalf("mean %v", res.Mean)
	}
	if _, err := PCA(x, 3); !errors.Is(err, ErrConfig) {
		t.Fatalf("k > d: %v", err)
	}
	if _, err := PCA(Matrix{1, 2, []float32{1, 2}}, 1); !errors.Is(err, ErrEmpty) {
		t.Fatalf("one row: %v", err)
	}
}
