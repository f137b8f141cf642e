package eval

import (
	"errors"
	"math"
	"testing"
)

func naiveF1(dist []float64, same []bool, th float64) float64 {
	tp, fp, fn := 0, 0, 0
	for i, d := range dist {
		if d <= th && same[i] {
			tp++
		} else if d <= th {
			fp++
		} else if same[i] {
			fn++
		}
	}
	if tp == 0 {
		return 0
	}
	return 2 * float64(tp) / float64(2*tp+fp+fn)
}

func TestCalibrateThresholdAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, distinct int
	}{{"continuous", 400, 0}, {"ties", 300, 6}, {"one-pair", 1, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			// randomBinary gives higher scores to positives; negate to make distances.
			s, same := randomBinary(8, max(tc.n, 2), tc.distinct)
			s, same = s[:tc.n], same[:tc.n]
			dist := make([]float64, len(s))
			for i := range s {
				dist[i] = -s[i]
			}
			th, err := CalibrateThreshold(dist, same)
			if err != nil {
				t.Fatal(err)
			}
			best := 0.0
			for _, cand := range dist {
				best = max(best, naiveF1(dist, same, cand))
			}
			if got := naiveF1(dist, same, th); !near(got, best, 1e-12) {
				t.Fatalf("F1 at %v = %v, best %v", th, got, best)
			}
			v, err := Verify(dist, same, th)
			if err != nil || !near(v.F1, best, 1e-12) || v.TP+v.FP+v.TN+v.FN != len(dist) {
				t.Fatalf("Verify = %+v %v, want F1 %v", v, err, best)
			}
		})
	}
}

func TestVerificationHandComputed(t *testing.T) {
	// Validation: distances .1s .2s .3d .4s .5d. F1 at <=.1: 2/4, <=.2: 4/5,
	// <=.3: 4/6, <=.4: 6/7 (best), <=.5: 6/8 -> threshold midway (.4+.5)/2.
	val := []float64{0.3, 0.1, 0.5, 0.4, 0.2}
	valSame := []bool{false, true, false, true, true}
	th, err := CalibrateThreshold(val, valSame)
	if err != nil || !near(th, 0.45, 1e-15) {
		t.Fatalf("threshold %v %v, want 0.45", th, err)
	}
	// Test at 0.45: .44s TP, .46s FN, .1d FP, .9d TN.
	v, err := CalibratedVerify(val, valSame, []float64{0.44, 0.46, 0.1, 0.9}, []bool{true, true, false, false})
	want := Verification{Threshold: th, TP: 1, FP: 1, TN: 1, FN: 1, Accuracy: 0.5, Precision: 0.5, Recall: 0.5, F1: 0.5}
	if err != nil || v != want {
		t.Fatalf("got %+v %v, want %+v", v, err, want)
	}
	// Best at the largest distance: threshold is that distance.
	if th, _ := CalibrateThreshold([]float64{1, 2}, []bool{true, true}); th != 2 {
		t.Fatalf("all-positive threshold %v, want 2", th)
	}
	// No predicted positives: precision, recall and F1 are 0, not NaN.
	v, _ = Verify([]float64{5}, []bool{true}, 1)
	if v.Precision != 0 || v.Recall != 0 || v.F1 != 0 || v.FN != 1 {
		t.Fatalf("no positives predicted: %+v", v)
	}
}

func TestVerificationErrors(t *testing.T) {
	if _, err := CalibrateThreshold(nil, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := CalibrateThreshold([]float64{1, 2}, []bool{false, false}); !errors.Is(err, ErrUndefined) {
		t.Errorf("no positives: %v", err)
	}
	if _, err := Verify([]float64{1}, []bool{true, false}, 1); !errors.Is(err, ErrShape) {
		t.Errorf("length: %v", err)
	}
	if _, err := Verify([]float64{1}, []bool{true}, math.NaN()); !errors.Is(err, ErrNonFinite) {
		t.Errorf("nan threshold: %v", err)
	}
}
