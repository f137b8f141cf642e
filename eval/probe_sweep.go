package eval

import (
	"fmt"
	"math/rand/v2"
)

// SweepResult is a linear probe whose L2 strength was chosen on a validation
// split carved out of the training set.
type SweepResult struct {
	ProbeResult           // refit on the whole training set with the chosen L2
	L2s         []float64 // candidates, as given
	ValAccuracy []float64 // validation accuracy of each candidate
}

// LinearProbeSweep holds out valFraction of train (a seeded random split),
// fits one probe per candidate in l2s on the rest, picks the candidate with the
// best validation accuracy (the larger L2 on ties: the simpler model), refits
// on all of train with it and reports train and test accuracy. The test set
// plays no part in the choice. cfg supplies MaxIter, GradTol and Memory; its
// L2 is ignored.
func LinearProbeSweep(train Matrix, trainLabels []int, test Matrix, testLabels []int,
	l2s []float64, valFraction float64, seed uint64, cfg ProbeConfig) (SweepResult, error) {
	const op = "linear probe sweep"
	if err := train.checkNonEmpty(op, "train", 2); err != nil {
		return SweepResult{}, err
	}
	if err := checkLabels(op, "train labels", trainLabels, train.Rows); err != nil {
		return SweepResult{}, err
	}
	nVal := int(valFraction * float64(train.Rows))
	if len(l2s) == 0 || !(valFraction > 0 && valFraction < 1) || nVal < 1 || nVal >= train.Rows {
		return SweepResult{}, fmt.Errorf("eval: %s: %d candidates, validation fraction %g of %d rows: %w",
			op, len(l2s), valFraction, train.Rows, ErrConfig)
	}
	perm := rand.New(rand.NewPCG(seed, 0x70726f6265)).Perm(train.Rows)
	fit, fitLabels := gatherRows(train, trainLabels, perm[nVal:])
	val, valLabels := gatherRows(train, trainLabels, perm[:nVal])
	res := SweepResult{L2s: l2s, ValAccuracy: make([]float64, len(l2s))}
	best := -1
	for i, l2 := range l2s {
		c := cfg
		c.L2 = l2
		m, _, err := FitLinear(fit, fitLabels, c)
		if err != nil {
			return SweepResult{}, fmt.Errorf("eval: %s: L2=%g: %w", op, l2, err)
		}
		if res.ValAccuracy[i], err = m.accuracy(val, valLabels); err != nil {
			return SweepResult{}, err
		}
		if best < 0 || res.ValAccuracy[i] > res.ValAccuracy[best] ||
			(res.ValAccuracy[i] == res.ValAccuracy[best] && l2 > l2s[best]) {
			best = i
		}
	}
	c := cfg
	c.L2 = l2s[best]
	pr, err := LinearProbe(train, trainLabels, test, testLabels, c)
	if err != nil {
		return SweepResult{}, err
	}
	res.ProbeResult = pr
	return res, nil
}

// gatherRows copies the listed rows of x and their labels.
func gatherRows(x Matrix, labels []int, rows []int) (Matrix, []int) {
	out := Matrix{Rows: len(rows), Cols: x.Cols, Data: make([]float32, 0, len(rows)*x.Cols)}
	l := make([]int, len(rows))
	for k, i := range rows {
		out.Data = append(out.Data, x.Row(i)...)
		l[k] = labels[i]
	}
	return out, l
}
