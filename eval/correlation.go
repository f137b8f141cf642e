package eval

import (
	"fmt"
	"math"
)

// Pearson returns the Pearson product-moment correlation of x and y, (n,) each:
// cov(x, y) / (std(x) std(y)). It needs n >= 2 and errors with ErrUndefined when
// either input is constant.
func Pearson(x, y []float64) (float64, error) {
	if err := checkPair("pearson", x, y); err != nil {
		return 0, err
	}
	return pearson("pearson", x, y)
}

// Spearman returns Spearman's rank correlation of x and y, (n,) each: the
// Pearson correlation of their average ranks (ties share the mean rank, as in
// scipy.stats.spearmanr). Used e.g. for semantic-textual-similarity benchmarks,
// correlating embedding cosine similarities with human scores.
func Spearman(x, y []float64) (float64, error) {
	if err := checkPair("spearman", x, y); err != nil {
		return 0, err
	}
	return pearson("spearman", AverageRanks(x), AverageRanks(y))
}

func checkPair(op string, x, y []float64) error {
	if err := checkScores(op, x, y); err != nil {
		return err
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("eval: %s: y[%d] is %v: %w", op, i, v, ErrNonFinite)
		}
	}
	if len(x) < 2 {
		return fmt.Errorf("eval: %s: %d pairs, need 2: %w", op, len(x), ErrEmpty)
	}
	return nil
}

func pearson(op string, x, y []float64) (float64, error) {
	n := float64(len(x))
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range x {
		dx, dy := x[i]-mx, y[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return 0, fmt.Errorf("eval: %s: constant input: %w", op, ErrUndefined)
	}
	r := sxy / math.Sqrt(sxx*syy)
	return max(-1, min(1, r)), nil
}
