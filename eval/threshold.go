package eval

import (
	"fmt"
	"math"
)

// Verification holds pair-verification results at a distance threshold:
// a pair is predicted "same" when its distance is <= Threshold.
type Verification struct {
	Threshold         float64
	TP, FP, TN, FN    int
	Accuracy          float64 // (TP+TN) / pairs
	Precision, Recall float64 // TP/(TP+FP), TP/(TP+FN); 0 when the denominator is 0
	F1                float64 // 2TP / (2TP + FP + FN); 0 when TP = 0
}

// CalibrateThreshold picks the distance threshold that maximises F1 on a
// validation set of pairs: dist (n,) and same (n,) telling whether each pair
// is a positive (same identity / class). The candidates are the distinct
// distances; among equal F1 the smallest wins, and the returned value is the
// midpoint between the winning distance and the next larger distinct distance
// (the winner itself when it is the largest), which gives the same validation
// predictions while leaving a margin for unseen pairs.
// It needs at least one positive pair.
func CalibrateThreshold(dist []float64, same []bool) (float64, error) {
	const op = "calibrate threshold"
	if err := checkScores(op, dist, same); err != nil {
		return 0, err
	}
	pos, _, _ := countClasses(op, same)
	if pos == 0 {
		return 0, fmt.Errorf("eval: %s: no positive pairs: %w", op, ErrUndefined)
	}
	idx := argsortAsc(dist)
	best, bestF1 := -1, -1.0
	tp, fp := 0, 0
	for i := 0; i < len(idx); {
		d := dist[idx[i]]
		for ; i < len(idx) && dist[idx[i]] == d; i++ {
			if same[idx[i]] {
				tp++
			} else {
				fp++
			}
		}
		if f1 := 2 * float64(tp) / float64(2*tp+fp+(pos-tp)); f1 > bestF1 {
			best, bestF1 = i, f1 // i: first index past the winning group
		}
	}
	th := dist[idx[best-1]]
	if best < len(idx) {
		th += (dist[idx[best]] - th) / 2
	}
	return th, nil
}

// Verify scores test pairs, dist (n,) and same (n,), at a fixed threshold
// (typically from CalibrateThreshold on a separate validation split).
func Verify(dist []float64, same []bool, threshold float64) (Verification, error) {
	const op = "verify"
	if err := checkScores(op, dist, same); err != nil {
		return Verification{}, err
	}
	if math.IsNaN(threshold) {
		return Verification{}, fmt.Errorf("eval: %s: threshold is NaN: %w", op, ErrNonFinite)
	}
	v := Verification{Threshold: threshold}
	for i, d := range dist {
		switch pred := d <= threshold; {
		case pred && same[i]:
			v.TP++
		case pred:
			v.FP++
		case same[i]:
			v.FN++
		default:
			v.TN++
		}
	}
	v.Accuracy = float64(v.TP+v.TN) / float64(len(dist))
	if v.TP > 0 {
		v.Precision = float64(v.TP) / float64(v.TP+v.FP)
		v.Recall = float64(v.TP) / float64(v.TP+v.FN)
		v.F1 = 2 * float64(v.TP) / float64(2*v.TP+v.FP+v.FN)
	}
	return v, nil
}

// CalibratedVerify calibrates the threshold on the validation pairs and
// reports verification on the test pairs at that threshold, so that the
// test set never influences the threshold.
func CalibratedVerify(valDist []float64, valSame []bool, testDist []float64, testSame []bool) (Verification, error) {
	th, err := CalibrateThreshold(valDist, valSame)
	if err != nil {
		return Verification{}, err
	}
	return Verify(testDist, testSame, th)
}
