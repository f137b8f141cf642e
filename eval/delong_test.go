package eval

import (
	"errors"
	"math"
	"testing"
)

// naiveDeLong computes DeLong's comparison by its definition: every
// positive-negative pair's kernel (1, 1/2 on a tie, 0), the structural
// components as their row and column means, and the covariance formula of
// DeLong et al. 1988 written out in full.
func naiveDeLong(a, b []float64, p []bool) (diff, se float64) {
	psi := func(x, y float64) float64 {
		switch {
		case x > y:
			return 1
		case x == y:
			return 0.5
		}
		return 0
	}
	pos, neg := splitClasses(p)
	m, n := float64(len(pos)), float64(len(neg))
	comp := func(s []float64) (v10, v01 []float64, auc float64) {
		v10, v01 = make([]float64, len(pos)), make([]float64, len(neg))
		for i, x := range pos {
			for j, y := range neg {
				k := psi(s[x], s[y])
				v10[i] += k / n
				v01[j] += k / m
				auc += k / (m * n)
			}
		}
		return v10, v01, auc
	}
	a10, a01, aucA := comp(a)
	b10, b01, aucB := comp(b)
	s := func(u, w []float64, ua, wa float64) float64 {
		var c float64
		for i := range u {
			c += (u[i] - ua) * (w[i] - wa)
		}
		return c / float64(len(u)-1)
	}
	s10 := s(a10, a10, aucA, aucA) + s(b10, b10, aucB, aucB) - 2*s(a10, b10, aucA, aucB)
	s01 := s(a01, a01, aucA, aucA) + s(b01, b01, aucB, aucB) - 2*s(a01, b01, aucA, aucB)
	return aucA - aucB, math.Sqrt(s10/m + s01/n)
}

// splitClasses returns the indices of the positive and of the negative targets.
func splitClasses(p []bool) (pos, neg []int) {
	for i, v := range p {
		if v {
			pos = append(pos, i)
		} else {
			neg = append(neg, i)
		}
	}
	return pos, neg
}

// correlatedScores draws two scores of the same n records: a shared signal
// plus each its own noise, b's noisier, with ties when distinct > 0.
func correlatedScores(seed uint64, n, distinct int) (a, b []float64, p []bool) {
	rng := newRNG(seed)
	a, b, p = make([]float64, n), make([]float64, n), make([]bool, n)
	for i := range a {
		p[i] = rng.IntN(3) == 0
		base := rng.NormFloat64()
		if p[i] {
			base += 1
		}
		a[i], b[i] = base+0.5*rng.NormFloat64(), base+rng.NormFloat64()
		if distinct > 0 {
			a[i], b[i] = math.Round(a[i]*float64(distinct)/4), math.Round(b[i]*float64(distinct)/4)
		}
	}
	p[0], p[1], p[2], p[3] = true, true, false, false
	return a, b, p
}

func TestCompareAUCAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, distinct int
	}{{"continuous", 400, 0}, {"ties", 300, 6}, {"small", 6, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			a, b, p := correlatedScores(uint64(tc.n), tc.n, tc.distinct)
			c, err := CompareAUC(a, b, p)
			if err != nil {
				t.Fatal(err)
			}
			diff, se := naiveDeLong(a, b, p)
			aucA, _ := ROCAUC(a, p)
			aucB, _ := ROCAUC(b, p)
			if math.Abs(c.A-aucA) > 1e-12 || math.Abs(c.B-aucB) > 1e-12 {
				t.Errorf("AUCs %v, %v; ROCAUC gives %v, %v", c.A, c.B, aucA, aucB)
			}
			if math.Abs(c.Diff-diff) > 1e-12 || math.Abs(c.SE-se) > 1e-12 {
				t.Errorf("diff %v se %v; naive %v %v", c.Diff, c.SE, diff, se)
			}
			if wantP := math.Erfc(math.Abs(diff/se) / math.Sqrt2); math.Abs(c.P-wantP) > 1e-12 {
				t.Errorf("p %v, want %v", c.P, wantP)
			}
		})
	}
}

// TestCompareAUCBootstrap checks the standard error against the spread of
// the difference over 2,000 bootstrap resamples of the records (stratified:
// positives and negatives resampled apart, as DeLong's variance assumes).
func TestCompareAUCBootstrap(t *testing.T) {
	a, b, p := correlatedScores(7, 600, 0)
	c, err := CompareAUC(a, b, p)
	if err != nil {
		t.Fatal(err)
	}
	pos, neg := splitClasses(p)
	rng := newRNG(8)
	const rounds = 2000
	var sum, sq float64
	ra, rb, rp := make([]float64, len(p)), make([]float64, len(p)), make([]bool, len(p))
	for range rounds {
		k := 0
		for _, group := range [][]int{pos, neg} {
			for range group {
				i := group[rng.IntN(len(group))]
				ra[k], rb[k], rp[k] = a[i], b[i], p[i]
				k++
			}
		}
		x, _ := ROCAUC(ra, rp)
		y, _ := ROCAUC(rb, rp)
		sum += x - y
		sq += (x - y) * (x - y)
	}
	boot := math.Sqrt(sq/rounds - (sum/rounds)*(sum/rounds))
	t.Logf("DeLong SE %.5f, bootstrap SE %.5f", c.SE, boot)
	if r := c.SE / boot; r < 0.85 || r > 1.15 {
		t.Errorf("DeLong SE %.5f against bootstrap SE %.5f (ratio %.3f)", c.SE, boot, r)
	}
}

func TestCompareAUCHandCases(t *testing.T) {
	p := []bool{true, true, false, false}
	// The same scores: no difference, no variance.
	s := []float64{3, 1, 2, 0}
	c, err := CompareAUC(s, s, p)
	if err != nil || c.Diff != 0 || c.SE != 0 || c.Z != 0 || c.P != 1 {
		t.Errorf("identical scores: %+v, %v", c, err)
	}
	// a separates perfectly (AUC 1), b is reversed (AUC 0): components are
	// constant, so the difference 1 has no variance.
	c, err = CompareAUC([]float64{3, 4, 1, 2}, []float64{1, 2, 3, 4}, p)
	if err != nil || c.A != 1 || c.B != 0 || c.Diff != 1 || c.SE != 0 || !math.IsInf(c.Z, 1) || c.P != 0 {
		t.Errorf("opposite scores: %+v, %v", c, err)
	}
	if lo, hi := (AUCComparison{Diff: 0.1, SE: 0.05}).CI(1.96); math.Abs(lo-0.002) > 1e-12 || math.Abs(hi-0.198) > 1e-12 {
		t.Errorf("CI %v %v", lo, hi)
	}
	for _, bad := range []struct {
		a, b []float64
		p    []bool
		want error
	}{
		{[]float64{1, 2}, []float64{1}, []bool{true, false}, ErrShape},
		{[]float64{1, 2, 3}, []float64{1, 2, 3}, []bool{true, false, false}, ErrUndefined},
		{[]float64{1, math.NaN(), 3, 4}, []float64{1, 2, 3, 4}, p, ErrNonFinite},
	} {
		if _, err := CompareAUC(bad.a, bad.b, bad.p); !errors.Is(err, bad.want) {
			t.Errorf("%v %v %v: %v, want %v", bad.a, bad.b, bad.p, err, bad.want)
		}
	}
}
