package eval

import (
	"errors"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func normRows64(x [][]float64) [][]float64 {
	out := make([][]float64, len(x))
	for i, r := range x {
		var ss float64
		for _, v := range r {
			ss += v * v
		}
		out[i] = make([]float64, len(r))
		for j, v := range r {
			if ss > 0 {
				out[i][j] = v / math.Sqrt(ss)
			}
		}
	}
	return out
}

// centredSVD returns the singular values of the centred float64 matrix,
// through gonum's SVD (a different algorithm from the eigen path under test).
func centredSVD(t *testing.T, x [][]float64) []float64 {
	n, d := len(x), len(x[0])
	a := mat.NewDense(n, d, nil)
	for j := 0; j < d; j++ {
		var m float64
		for i := range x {
			m += x[i][j]
		}
		m /= float64(n)
		for i := range x {
			a.Set(i, j, x[i][j]-m)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDThin) {
		t.Fatal("svd failed")
	}
	return svd.Values(nil)
}

func TestCollapseMonitorsAgainstNaive(t *testing.T) {
	rng := newRNG(12)
	for _, tc := range []struct {
		name string
		n, d int
	}{{"small", 40, 6}, {"wide", 20, 30}, {"tall", 300, 16}} {
		t.Run(tc.name, func(t *testing.T) {
			x, _ := clustered(rng, tc.n, tc.d, 3, 1)
			y, _ := clustered(rng, tc.n, tc.d, 3, 1)
			x64, y64 := rows64(x), rows64(y)
			ux, uy := normRows64(x64), normRows64(y64)

			// Std: mean over dims of the unbiased std of normalised rows.
			var want float64
			for j := 0; j < tc.d; j++ {
				var m float64
				for i := range ux {
					m += ux[i][j] / float64(tc.n)
				}
				var v float64
				for i := range ux {
					v += (ux[i][j] - m) * (ux[i][j] - m)
				}
				want += math.Sqrt(v/float64(tc.n-1)) / float64(tc.d)
			}
			if got, err := NormalizedStd(x); err != nil || !near(got, want, 1e-5) {
				t.Errorf("NormalizedStd %v %v, naive %v", got, err, want)
			}

			// Effective rank from SVD singular values.
			sv := centredSVD(t, x64)
			var sum, h float64
			for _, s := range sv {
				sum += s
			}
			for _, s := range sv {
				if p := s / sum; p > 0 {
					h -= p * math.Log(p)
				}
			}
			if got, err := EffectiveRank(x); err != nil || !near(got, math.Exp(h), 1e-4) {
				t.Errorf("EffectiveRank %v %v, SVD %v", got, err, math.Exp(h))
			}

			// Alignment and uniformity by direct loops.
			for _, alpha := range []float64{2, 1, 3.5} {
				var al float64
				for i := range ux {
					al += math.Pow(sqDist(ux[i], uy[i]), alpha/2) / float64(tc.n)
				}
				if got, err := Alignment(x, y, alpha); err != nil || !near(got, al, 1e-5) {
					t.Errorf("Alignment(alpha=%v) %v %v, naive %v", alpha, got, err, al)
				}
			}
			for _, temp := range []float64{2, 0.5, 400} {
				// log-mean-exp with the max subtracted, as a naive version must for t=400
				var es []float64
				for i := range ux {
					for j := i + 1; j < len(ux); j++ {
						es = append(es, -temp*sqDist(ux[i], ux[j]))
					}
				}
				m := math.Inf(-1)
				for _, e := range es {
					m = max(m, e)
				}
				var s float64
				for _, e := range es {
					s += math.Exp(e - m)
				}
				want := m + math.Log(s/float64(len(es)))
				if got, err := Uniformity(x, temp); err != nil || !near(got, want, 1e-4) {
					t.Errorf("Uniformity(t=%v) %v %v, naive %v", temp, got, err, want)
				}
			}
		})
	}
}

func TestCollapseMonitorsHandComputed(t *testing.T) {
	collapsed := Matrix{4, 3, []float32{1, 2, 3, 1, 2, 3, 2, 4, 6, 1, 2, 3}} // one direction
	if s, _ := NormalizedStd(collapsed); s > 1e-7 {
		t.Errorf("collapsed std %v, want 0", s)
	}
	if u, _ := Uniformity(collapsed, 2); math.Abs(u) > 1e-6 {
		t.Errorf("collapsed uniformity %v, want 0", u)
	}
	// Identical rows: no spread at all, effective rank 0 by convention.
	same := Matrix{3, 2, []float32{1, 2, 1, 2, 1, 2}}
	if r, _ := EffectiveRank(same); r != 0 {
		t.Errorf("identical rows: erank %v, want 0", r)
	}
	// Points on one line through the mean: rank 1.
	line := Matrix{4, 3, []float32{1, 2, 3, 2, 4, 6, -1, -2, -3, 0, 0, 0}}
	if r, _ := EffectiveRank(line); !near(r, 1, 1e-5) {
		t.Errorf("line: erank %v, want 1", r)
	}
	// ±e_j for j < 4: equal variance in 4 orthogonal directions -> erank 4.
	// Normalised, each dimension is (±1 twice, 0 six times): mean 0,
	// unbiased var 2/7 -> std sqrt(2/7) in every dimension.
	var cross []float32
	for j := 0; j < 4; j++ {
		for _, s := range []float32{1, -1} {
			row := make([]float32, 4)
			row[j] = s
			cross = append(cross, row...)
		}
	}
	cm := Matrix{8, 4, cross}
	if r, _ := EffectiveRank(cm); !near(r, 4, 1e-5) {
		t.Errorf("cross: erank %v, want 4", r)
	}
	if s, _ := NormalizedStd(cm); !near(s, math.Sqrt(2.0/7), 1e-6) {
		t.Errorf("cross: std %v, want %v", s, math.Sqrt(2.0/7))
	}
	// Antipodal pair: |x - y|² = 4 -> alignment 4 (alpha 2) or 2 (alpha 1);
	// uniformity log exp(-2*4) = -8.
	a := Matrix{1, 2, []float32{3, 0}}
	b := Matrix{1, 2, []float32{-1, 0}}
	if v, _ := Alignment(a, b, 2); !near(v, 4, 1e-7) {
		t.Errorf("alignment %v, want 4", v)
	}
	if v, _ := Alignment(a, b, 1); !near(v, 2, 1e-7) {
		t.Errorf("alignment alpha=1 %v, want 2", v)
	}
	if v, _ := Alignment(a, a, 2); v != 0 {
		t.Errorf("self alignment %v, want 0", v)
	}
	if v, _ := Uniformity(Matrix{2, 2, []float32{3, 0, -1, 0}}, 2); !near(v, -8, 1e-6) {
		t.Errorf("antipodal uniformity %v, want -8", v)
	}
	st, err := Collapse(cm)
	if err != nil || !near(st.EffectiveRank, 4, 1e-5) || !near(st.NormalizedStd, math.Sqrt(2.0/7), 1e-6) {
		t.Errorf("Collapse %+v %v", st, err)
	}
}

func TestCollapseErrors(t *testing.T) {
	one := Matrix{1, 2, []float32{1, 0}}
	two := Matrix{2, 2, []float32{1, 0, 0, 1}}
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"std one row", ErrEmpty, func() error { _, e := NormalizedStd(one); return e }},
		{"erank one row", ErrEmpty, func() error { _, e := EffectiveRank(one); return e }},
		{"uniformity one row", ErrEmpty, func() error { _, e := Uniformity(one, 2); return e }},
		{"uniformity t", ErrConfig, func() error { _, e := Uniformity(two, 0); return e }},
		{"alignment rows", ErrShape, func() error { _, e := Alignment(one, two, 2); return e }},
		{"alignment alpha", ErrConfig, func() error { _, e := Alignment(two, two, -1); return e }},
		{"alignment empty", ErrEmpty, func() error { _, e := Alignment(Matrix{0, 2, nil}, Matrix{0, 2, nil}, 2); return e }},
		{"collapse nan", ErrNonFinite, func() error {
			_, e := Collapse(Matrix{2, 1, []float32{1, float32(math.Inf(1))}})
			return e
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
}
