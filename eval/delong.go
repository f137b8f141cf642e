package eval

import (
	"fmt"
	"math"
)

// AUCComparison compares the ROC AUCs of two scores of the same records
// against the same targets.
type AUCComparison struct {
	A, B float64 // the two AUCs
	Diff float64 // A - B
	// SE is the standard error of Diff under DeLong's estimate of the
	// covariance of the two (correlated) AUCs.
	SE float64
	// Z is Diff/SE and P its two-sided p-value under the normal
	// approximation (Z = 0 and P = 1 when Diff and SE are both 0).
	Z, P float64
}

// CI returns the two-sided confidence interval Diff ± z·SE; z = 1.96 gives
// 95%.
func (c AUCComparison) CI(z float64) (lo, hi float64) { return c.Diff - z*c.SE, c.Diff + z*c.SE }

// CompareAUC compares the ROC AUCs of scores a and b (n,) of the same records
// for the binary targets positive (n,), with DeLong, DeLong & Clarke-Pearson's
// nonparametric covariance ("Comparing the areas under two or more correlated
// receiver operating characteristic curves", Biometrics 1988), computed from
// midranks as in Sun & Xu 2014 (IEEE Signal Processing Letters 21(11)):
// each positive's structural component is the fraction of negatives it
// outscores (ties 1/2), each negative's the fraction of positives that
// outscore it; the AUCs' covariance is the covariance of the positives'
// components over the number of positives plus that of the negatives'
// components over the number of negatives. O(n log n).
func CompareAUC(a, b []float64, positive []bool) (AUCComparison, error) {
	const op = "compare auc"
	var c AUCComparison
	if len(a) != len(b) {
		return c, fmt.Errorf("eval: %s: %d and %d scores: %w", op, len(a), len(b), ErrShape)
	}
	for _, s := range [][]float64{a, b} {
		if err := checkScores(op, s, positive); err != nil {
			return c, err
		}
	}
	m, n, err := countClasses(op, positive)
	if err != nil {
		return c, err
	}
	if m < 2 || n < 2 {
		return c, fmt.Errorf("eval: %s: %d positives and %d negatives, need two of each for a covariance: %w", op, m, n, ErrUndefined)
	}
	va, pa := structural(a, positive, m, n)
	vb, pb := structural(b, positive, m, n)
	c.A, c.B = mean(va), mean(vb)
	c.Diff = c.A - c.B
	// var(A - B) = var(A) + var(B) - 2 cov(A, B), each the positives' term
	// plus the negatives' term.
	variance := (covariance(va, va)+covariance(vb, vb)-2*covariance(va, vb))/float64(m) +
		(covariance(pa, pa)+covariance(pb, pb)-2*covariance(pa, pb))/float64(n)
	c.SE = math.Sqrt(max(0, variance))
	switch {
	case c.SE > 0:
		c.Z = c.Diff / c.SE
	case c.Diff != 0:
		c.Z = math.Copysign(math.Inf(1), c.Diff)
	}
	c.P = math.Erfc(math.Abs(c.Z) / math.Sqrt2)
	return c, nil
}

// structural returns DeLong's structural components of scores: for each
// positive, the fraction of negatives it outscores (V10), and for each
// negative, the fraction of positives that outscore it (V01), ties counting
// 1/2. Either mean is the AUC.
func structural(scores []float64, positive []bool, m, n int) (pos, neg []float64) {
	all := AverageRanks(scores)
	xs, ys := make([]float64, 0, m), make([]float64, 0, n)
	for i, s := range scores {
		if positive[i] {
			xs = append(xs, s)
		} else {
			ys = append(ys, s)
		}
	}
	rx, ry := AverageRanks(xs), AverageRanks(ys)
	pos, neg = make([]float64, 0, m), make([]float64, 0, n)
	for i, p := range positive {
		if p {
			// Negatives ranked below a positive: its rank among all minus
			// its rank among the positives.
			pos = append(pos, (all[i]-rx[len(pos)])/float64(n))
		} else {
			// Positives ranked below a negative, likewise; the rest outscore it.
			neg = append(neg, 1-(all[i]-ry[len(neg)])/float64(m))
		}
	}
	return pos, neg
}

func mean(x []float64) float64 {
	var s float64
	for _, v := range x {
		s += v
	}
	return s / float64(len(x))
}

// covariance is the sample covariance (denominator len-1) of x and y.
func covariance(x, y []float64) float64 {
	mx, my := mean(x), mean(y)
	var s float64
	for i := range x {
		s += (x[i] - mx) * (y[i] - my)
	}
	return s / float64(len(x)-1)
}
