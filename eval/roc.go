package eval

import (
	"fmt"
	"math"
)

// ROCPoint is one vertex of a ROC curve: predicting positive when
// score >= Threshold gives the false and true positive rates FPR and TPR.
type ROCPoint struct {
	Threshold float64
	FPR, TPR  float64
}

// countClasses returns the numbers of positive and negative targets and an
// ErrUndefined error when either is zero.
func countClasses(op string, positive []bool) (pos, neg int, err error) {
	for _, p := range positive {
		if p {
			pos++
		}
	}
	neg = len(positive) - pos
	if pos == 0 || neg == 0 {
		return pos, neg, fmt.Errorf("eval: %s: %d positives and %d negatives, need both: %w", op, pos, neg, ErrUndefined)
	}
	return pos, neg, nil
}

// ROCAUC returns the area under the ROC curve of scores (n,) for the binary
// targets positive (n,), higher scores meaning "more positive". It is computed
// as the Mann-Whitney statistic U/(n+ n-): the probability that a random
// positive outscores a random negative, ties counting 1/2 — equal to the
// trapezoidal area under ROCCurve (Hanley & McNeil 1982).
func ROCAUC(scores []float64, positive []bool) (float64, error) {
	const op = "roc-auc"
	if err := checkScores(op, scores, positive); err != nil {
		return 0, err
	}
	pos, neg, err := countClasses(op, positive)
	if err != nil {
		return 0, err
	}
	ranks := AverageRanks(scores)
	var rankSum float64
	for i, p := range positive {
		if p {
			rankSum += ranks[i]
		}
	}
	u := rankSum - float64(pos)*float64(pos+1)/2
	return u / (float64(pos) * float64(neg)), nil
}

// ROCCurve returns the ROC curve of scores (n,) against positive (n,): one
// point per distinct score, in decreasing threshold order, starting at
// (Threshold=+Inf, FPR=0, TPR=0) and ending at (FPR=1, TPR=1).
func ROCCurve(scores []float64, positive []bool) ([]ROCPoint, error) {
	const op = "roc curve"
	if err := checkScores(op, scores, positive); err != nil {
		return nil, err
	}
	pos, neg, err := countClasses(op, positive)
	if err != nil {
		return nil, err
	}
	pts := []ROCPoint{{Threshold: math.Inf(1)}}
	forEachThreshold(scores, positive, func(th float64, tp, fp int) {
		pts = append(pts, ROCPoint{Threshold: th, FPR: float64(fp) / float64(neg), TPR: float64(tp) / float64(pos)})
	})
	return pts, nil
}

// TPRAtFPR returns the true positive rate of the best operating point of
// scores (n,) against positive (n,) whose false positive rate is at most
// maxFPR: the largest TPR over the thresholds t (predict positive when
// score >= t, tied scores together) with FPR <= maxFPR, a vertex of
// ROCCurve, never interpolated. Intrusion detection compares detectors so,
// at a false alarm rate an operator can bear, because AUROC weighs every
// rate alike. maxFPR must be in [0, 1].
func TPRAtFPR(scores []float64, positive []bool, maxFPR float64) (float64, error) {
	const op = "tpr at fpr"
	if !(maxFPR >= 0 && maxFPR <= 1) {
		return 0, fmt.Errorf("eval: %s: false positive rate %v, want one in [0, 1]", op, maxFPR)
	}
	if err := checkScores(op, scores, positive); err != nil {
		return 0, err
	}
	pos, neg, err := countClasses(op, positive)
	if err != nil {
		return 0, err
	}
	var best float64
	forEachThreshold(scores, positive, func(_ float64, tp, fp int) {
		if float64(fp)/float64(neg) <= maxFPR {
			best = max(best, float64(tp)/float64(pos))
		}
	})
	return best, nil
}

// AveragePrecision returns the area under the precision-recall curve as
// average precision, AP = Σ_t (R_t - R_{t-1}) P_t over the distinct score
// thresholds t in decreasing order (the step-wise sum of scikit-learn's
// average_precision_score, without interpolation). Tied scores enter together.
// It needs at least one positive; negatives are optional.
func AveragePrecision(scores []float64, positive []bool) (float64, error) {
	const op = "average precision"
	if err := checkScores(op, scores, positive); err != nil {
		return 0, err
	}
	pos, _, _ := countClasses(op, positive)
	if pos == 0 {
		return 0, fmt.Errorf("eval: %s: no positives: %w", op, ErrUndefined)
	}
	var ap, prevRecall float64
	forEachThreshold(scores, positive, func(_ float64, tp, fp int) {
		recall := float64(tp) / float64(pos)
		ap += (recall - prevRecall) * float64(tp) / float64(tp+fp)
		prevRecall = recall
	})
	return ap, nil
}

// forEachThreshold visits the distinct scores in decreasing order with the
// true- and false-positive counts of predicting "positive" for score >= it.
func forEachThreshold(scores []float64, positive []bool, visit func(th float64, tp, fp int)) {
	idx := argsortAsc(scores)
	tp, fp := 0, 0
	for i := len(idx) - 1; i >= 0; {
		th := scores[idx[i]]
		for ; i >= 0 && scores[idx[i]] == th; i-- {
			if positive[idx[i]] {
				tp++
			} else {
				fp++
			}
		}
		visit(th, tp, fp)
	}
}
