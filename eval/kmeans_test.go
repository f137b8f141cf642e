package eval

import (
	"errors"
	"math"
	"testing"
)

func sqDist(a, b []float64) float64 {
	var s float64
	for j := range a {
		s += (a[j] - b[j]) * (a[j] - b[j])
	}
	return s
}

// checkLloydFixedPoint verifies, with float64 loops, that every point sits in
// a nearest centroid, that each centroid is the mean of its points, and that
// Inertia is the summed squared distance.
func checkLloydFixedPoint(t *testing.T, x Matrix, res KMeansResult, k int) {
	t.Helper()
	pts := rows64(x)
	cs := rows64(res.Centroids)
	if len(cs) != k || len(res.Assignments) != x.Rows {
		t.Fatalf("shapes: %d centroids, %d assignments", len(cs), len(res.Assignments))
	}
	var inertia float64
	for i, p := range pts {
		c := res.Assignments[i]
		own := sqDist(p, cs[c])
		inertia += own
		for o := range cs {
			if d := sqDist(p, cs[o]); d < own-1e-4*(1+own) {
				t.Fatalf("point %d in cluster %d at %v, but cluster %d is at %v", i, c, own, o, d)
			}
		}
	}
	if !near(res.Inertia, inertia, 1e-4) {
		t.Fatalf("Inertia %v, naive %v", res.Inertia, inertia)
	}
	for c := range cs {
		mean := make([]float64, x.Cols)
		cnt := 0
		for i, p := range pts {
			if res.Assignments[i] == c {
				cnt++
				for j := range p {
					mean[j] += p[j]
				}
			}
		}
		if cnt == 0 {
			t.Fatalf("cluster %d is empty", c)
		}
		for j := range mean {
			if m := mean[j] / float64(cnt); math.Abs(m-cs[c][j]) > 1e-3*(1+math.Abs(m)) {
				t.Fatalf("centroid %d[%d] = %v, mean of its points %v", c, j, cs[c][j], m)
			}
		}
	}
}

func TestKMeansFixedPoint(t *testing.T) {
	rng := newRNG(10)
	for _, tc := range []struct {
		name          string
		n, d, classes int
		spread        float64
		k, restarts   int
	}{
		{"blobs", 600, 5, 4, 4, 4, 1},
		{"overlapping", 500, 3, 3, 0.5, 6, 2},
		{"k1", 100, 4, 2, 1, 1, 1},
		{"k=n", 12, 2, 3, 1, 12, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x, _ := clustered(rng, tc.n, tc.d, tc.classes, tc.spread)
			res, err := KMeans(x, KMeansConfig{K: tc.k, Seed: 1, Restarts: tc.restarts, MaxIter: 1000, Tol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			checkLloydFixedPoint(t, x, res, tc.k)
			if tc.k == tc.n && res.Inertia > 1e-9 {
				t.Fatalf("K = n: inertia %v, want 0", res.Inertia)
			}
		})
	}
}

func TestKMeansRecoversBlobs(t *testing.T) {
	x, labels := clustered(newRNG(11), 800, 8, 5, 10)
	res, err := KMeans(x, KMeansConfig{K: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if nmi, _ := NMI(labels, res.Assignments); nmi != 1 {
		t.Fatalf("NMI with true blobs %v, want 1", nmi)
	}
	again, _ := KMeans(x, KMeansConfig{K: 5, Seed: 3})
	if !equalInts(res.Assignments, again.Assignments) || res.Inertia != again.Inertia {
		t.Fatal("same seed, different result")
	}
}

func TestKMeansDegenerate(t *testing.T) {
	// All points identical: clusters must not hold NaN and inertia is 0.
	x := Matrix{5, 2, []float32{1, 2, 1, 2, 1, 2, 1, 2, 1, 2}}
	res, err := KMeans(x, KMeansConfig{K: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Centroids.Data {
		if math.IsNaN(float64(v)) {
			t.Fatalf("NaN centroid: %v", res.Centroids.Data)
		}
	}
	if res.Inertia != 0 {
		t.Fatalf("inertia %v", res.Inertia)
	}
	for _, tc := range []struct {
		name string
		cfg  KMeansConfig
		x    Matrix
		err  error
	}{
		{"k0", KMeansConfig{}, x, ErrConfig},
		{"k>n", KMeansConfig{K: 6}, x, ErrConfig},
		{"negative tol", KMeansConfig{K: 1, Tol: -1}, x, ErrConfig},
		{"empty", KMeansConfig{K: 1}, Matrix{0, 2, nil}, ErrEmpty},
		{"bad shape", KMeansConfig{K: 1}, Matrix{2, 2, []float32{1}}, ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := KMeans(tc.x, tc.cfg); !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
}
