package eval

import (
	"fmt"
	"math"
)

// contingency is the (classes, clusters) count table of two labelings.
type contingency struct {
	n      int
	a, b   []int // row sums (classes of the first labeling), column sums
	counts []int // (len(a), len(b)) row-major
}

func newContingency(op string, u, v []int) (*contingency, error) {
	if len(u) != len(v) {
		return nil, fmt.Errorf("eval: %s: %d and %d labels: %w", op, len(u), len(v), ErrShape)
	}
	if len(u) == 0 {
		return nil, fmt.Errorf("eval: %s: no labels: %w", op, ErrEmpty)
	}
	cu, du := denseLabels(u)
	cv, dv := denseLabels(v)
	r, c := len(cu), len(cv)
	t := &contingency{n: len(u), a: make([]int, r), b: make([]int, c), counts: make([]int, r*c)}
	for i := range u {
		x, y := du[0][i], dv[0][i]
		t.a[x]++
		t.b[y]++
		t.counts[x*c+y]++
	}
	return t, nil
}

func entropyOf(counts []int, n int) float64 {
	var h float64
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / float64(n)
			h -= p * math.Log(p)
		}
	}
	return h
}

func (t *contingency) mi() float64 {
	n := float64(t.n)
	c := len(t.b)
	var mi float64
	for i, ai := range t.a {
		for j, bj := range t.b {
			if nij := t.counts[i*c+j]; nij > 0 {
				mi += float64(nij) / n * math.Log(n*float64(nij)/(float64(ai)*float64(bj)))
			}
		}
	}
	return max(mi, 0)
}

// trivial reports the limit case where both labelings put every sample in
// one cluster: a perfect match by convention (scikit-learn returns 1).
func (t *contingency) trivial() bool { return len(t.a) == 1 && len(t.b) == 1 }

// MutualInfo returns the mutual information, in nats, between two labelings
// u and v of the same n samples.
func MutualInfo(u, v []int) (float64, error) {
	t, err := newContingency("mutual info", u, v)
	if err != nil {
		return 0, err
	}
	return t.mi(), nil
}

// NMI returns the normalised mutual information MI(u, v) / ((H(u) + H(v)) / 2)
// of two labelings (arithmetic-mean normalisation, scikit-learn's default;
// Strehl & Ghosh 2002 use the geometric mean). Label values are arbitrary ints;
// permuting them does not change the score. Two single-cluster labelings
// score 1; MI = 0 otherwise scores 0.
func NMI(u, v []int) (float64, error) {
	t, err := newContingency("nmi", u, v)
	if err != nil {
		return 0, err
	}
	if t.trivial() {
		return 1, nil
	}
	mi := t.mi()
	if mi == 0 {
		return 0, nil
	}
	return min(1, mi/((entropyOf(t.a, t.n)+entropyOf(t.b, t.n))/2)), nil
}

// AMI returns the adjusted mutual information of Vinh, Epps & Bailey 2010
// ("Information Theoretic Measures for Clusterings Comparison", JMLR 11):
//
//	AMI = (MI - E[MI]) / (mean(H(u), H(v)) - E[MI])
//
// with the arithmetic mean (scikit-learn's default) and E[MI] the expected
// mutual information of two random labelings with the same cluster sizes
// (hypergeometric model). It is 1 for identical labelings, about 0 for
// independent ones, and can be negative. Two single-cluster labelings score 1.
// Cost is O(Σ_ij min(a_i, b_j)) log-gamma look-ups.
func AMI(u, v []int) (float64, error) {
	t, err := newContingency("ami", u, v)
	if err != nil {
		return 0, err
	}
	if t.trivial() {
		return 1, nil
	}
	mi := t.mi()
	emi := t.expectedMI()
	den := (entropyOf(t.a, t.n)+entropyOf(t.b, t.n))/2 - emi
	const eps = 2.220446049250313e-16 // float64 machine epsilon, as scikit-learn
	if den < 0 {
		den = min(den, -eps)
	} else {
		den = max(den, eps)
	}
	return (mi - emi) / den, nil
}

// expectedMI is E[MI] under the permutation (hypergeometric) model, eq. 24a of
// Vinh et al. 2010, with log-factorials from a table.
func (t *contingency) expectedMI() float64 {
	n := t.n
	lf := make([]float64, n+1) // lf[k] = log k!
	for k := 2; k <= n; k++ {
		lf[k] = lf[k-1] + math.Log(float64(k))
	}
	nf := float64(n)
	var emi float64
	for _, ai := range t.a {
		for _, bj := range t.b {
			base := lf[ai] + lf[bj] + lf[n-ai] + lf[n-bj] - lf[n]
			for nij := max(1, ai+bj-n); nij <= min(ai, bj); nij++ {
				logP := base - lf[nij] - lf[ai-nij] - lf[bj-nij] - lf[n-ai-bj+nij]
				term := float64(nij) / nf * math.Log(nf*float64(nij)/(float64(ai)*float64(bj)))
				emi += term * math.Exp(logP)
			}
		}
	}
	return emi
}

// AdjustedRand returns the adjusted Rand index of Hubert & Arabie 1985 between
// two labelings, from the pair-confusion counts (as scikit-learn): 1 for
// identical partitions, about 0 for random ones, negative below chance.
func AdjustedRand(u, v []int) (float64, error) {
	t, err := newContingency("adjusted rand", u, v)
	if err != nil {
		return 0, err
	}
	c := len(t.b)
	var sumSq, rowDot, colDot float64
	for i, ai := range t.a {
		for j, bj := range t.b {
			nij := float64(t.counts[i*c+j])
			sumSq += nij * nij
			rowDot += nij * float64(bj)
			colDot += nij * float64(ai)
		}
	}
	n := float64(t.n)
	tp := sumSq - n
	fp := rowDot - sumSq
	fn := colDot - sumSq
	tn := n*n - fp - fn - sumSq
	if fn == 0 && fp == 0 {
		return 1, nil
	}
	return 2 * (tp*tn - fn*fp) / ((tp+fn)*(fn+tn) + (tp+fp)*(fp+tn)), nil
}
