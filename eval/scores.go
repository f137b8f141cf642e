package eval

import (
	"fmt"
	"math"
)

// checkScores validates a (scores, targets) pair of equal, non-zero length
// with finite scores; name labels the error.
func checkScores[T any](op string, scores []float64, targets []T) error {
	if len(scores) != len(targets) {
		return fmt.Errorf("eval: %s: %d scores, %d targets: %w", op, len(scores), len(targets), ErrShape)
	}
	if len(scores) == 0 {
		return fmt.Errorf("eval: %s: no scores: %w", op, ErrEmpty)
	}
	for i, s := range scores {
		if math.IsNaN(s) || math.IsInf(s, 0) {
			return fmt.Errorf("eval: %s: score %d is %v: %w", op, i, s, ErrNonFinite)
		}
	}
	return nil
}

// AverageRanks returns the 1-based ranks of x in ascending order, tied values
// sharing the mean of the ranks they span (the "fractional" ranking used by
// Spearman's rho and the Mann-Whitney U statistic). NaNs are not allowed.
func AverageRanks(x []float64) []float64 {
	idx := argsortAsc(x)
	ranks := make([]float64, len(x))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && x[idx[j+1]] == x[idx[i]] {
			j++
		}
		r := float64(i+j)/2 + 1 // mean of 1-based ranks i+1..j+1
		for k := i; k <= j; k++ {
			ranks[idx[k]] = r
		}
		i = j + 1
	}
	return ranks
}
