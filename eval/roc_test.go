package eval

import (
	"errors"
	"math"
	"testing"
)

// naiveAUC counts positive-negative pairs: 1 when the positive scores higher, 1/2 on ties.
func naiveAUC(s []float64, p []bool) float64 {
	var u, pairs float64
	for i := range s {
		for j := range s {
			if p[i] && !p[j] {
				pairs++
				if s[i] > s[j] {
					u++
				} else if s[i] == s[j] {
					u += 0.5
				}
			}
		}
	}
	return u / pairs
}

// naiveAP rescans the data for every distinct threshold, taken in decreasing order.
func naiveAP(s []float64, p []bool) float64 {
	var ths []float64
	for _, v := range s {
		dup := false
		for _, w := range ths {
			dup = dup || w == v
		}
		if !dup {
			ths = append(ths, v)
		}
	}
	// selection order: largest remaining first
	var ap, prevR float64
	used := make([]bool, len(ths))
	totalPos := 0
	for _, b := range p {
		if b {
			totalPos++
		}
	}
	for range ths {
		k := -1
		for i := range ths {
			if !used[i] && (k < 0 || ths[i] > ths[k]) {
				k = i
			}
		}
		used[k] = true
		tp, n := 0, 0
		for i := range s {
			if s[i] >= ths[k] {
				n++
				if p[i] {
					tp++
				}
			}
		}
		r := float64(tp) / float64(totalPos)
		ap += (r - prevR) * float64(tp) / float64(n)
		prevR = r
	}
	return ap
}

func randomBinary(seed uint64, n, distinct int) ([]float64, []bool) {
	rng := newRNG(seed)
	s := make([]float64, n)
	p := make([]bool, n)
	for i := range s {
		p[i] = rng.IntN(3) == 0
		if distinct > 0 {
			s[i] = float64(rng.IntN(distinct))
		} else {
			s[i] = rng.NormFloat64()
		}
		if p[i] {
			s[i] += 1
		}
	}
	p[0], p[1] = true, false
	return s, p
}

func TestROCAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, distinct int
	}{{"continuous", 300, 0}, {"ties", 300, 5}, {"all-tied", 40, 1}, {"two", 2, 0}} {
		t.Run(tc.name, func(t *testing.T) {
			s, p := randomBinary(7, tc.n, tc.distinct)
			auc, err := ROCAUC(s, p)
			if err != nil || !near(auc, naiveAUC(s, p), 1e-12) {
				t.Fatalf("ROCAUC = %v %v, naive %v", auc, err, naiveAUC(s, p))
			}
			ap, err := AveragePrecision(s, p)
			if err != nil || !near(ap, naiveAP(s, p), 1e-12) {
				t.Fatalf("AP = %v %v, naive %v", ap, err, naiveAP(s, p))
			}
			// The trapezoidal area under the curve is the same number.
			pts, err := ROCCurve(s, p)
			if err != nil {
				t.Fatal(err)
			}
			var area float64
			for i := 1; i < len(pts); i++ {
				area += (pts[i].FPR - pts[i-1].FPR) * (pts[i].TPR + pts[i-1].TPR) / 2
			}
			last := pts[len(pts)-1]
			if !near(area, auc, 1e-12) || last.FPR != 1 || last.TPR != 1 || pts[0].FPR != 0 || pts[0].TPR != 0 {
				t.Fatalf("curve area %v (auc %v), ends %+v %+v", area, auc, pts[0], last)
			}
		})
	}
}

// naiveTPRAtFPR tries every score (and +Inf) as a threshold, counting the
// records at or above it by a plain loop.
func naiveTPRAtFPR(s []float64, p []bool, maxFPR float64) float64 {
	var pos, neg float64
	for _, y := range p {
		if y {
			pos++
		} else {
			neg++
		}
	}
	var best float64
	for _, th := range s {
		var tp, fp float64
		for i, v := range s {
			if v >= th && p[i] {
				tp++
			} else if v >= th {
				fp++
			}
		}
		if fp/neg <= maxFPR && tp/pos > best {
			best = tp / pos
		}
	}
	return best
}

func TestTPRAtFPRAgainstNaive(t *testing.T) {
	for _, tc := range []struct {
		name        string
		n, distinct int
	}{{"continuous", 300, 0}, {"ties", 300, 5}, {"all-tied", 40, 1}, {"two", 2, 0}} {
		s, p := randomBinary(9, tc.n, tc.distinct)
		for _, f := range []float64{0, 0.01, 0.02, 0.05, 0.3, 1} {
			got, err := TPRAtFPR(s, p, f)
			if want := naiveTPRAtFPR(s, p, f); err != nil || !near(got, want, 1e-12) {
				t.Fatalf("%s: TPRAtFPR(%v) = %v %v, naive %v", tc.name, f, got, err, want)
			}
		}
	}
	// scikit-learn's example below: the curve's vertices give TPR 0.5 up to
	// FPR 0.5 and 1 from there; a tie of a positive and a negative cannot be
	// split, so at FPR 0 it detects nothing.
	s, p := []float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}
	for _, c := range []struct{ fpr, tpr float64 }{{0, 0.5}, {0.49, 0.5}, {0.5, 1}, {1, 1}} {
		if got, _ := TPRAtFPR(s, p, c.fpr); got != c.tpr {
			t.Errorf("TPR at FPR %v: %v, want %v", c.fpr, got, c.tpr)
		}
	}
	// 0.29*100 is 28.999999999999996 in float64: the vertex at FPR exactly
	// 0.29 (29 of 100 negatives) must still count.
	var rs []float64
	var rp []bool
	for i := range 200 {
		rs, rp = append(rs, float64(200-i)), append(rp, i < 50 || i >= 79 && i < 129)
	}
	if got, err := TPRAtFPR(rs, rp, 0.29); got != 1 || err != nil {
		t.Errorf("TPR at FPR 0.29 with 29 of 100 negatives above the last positive: %v %v, want 1", got, err)
	}
	if got, _ := TPRAtFPR([]float64{0.5, 0.5}, []bool{true, false}, 0); got != 0 {
		t.Errorf("tied: TPR %v at FPR 0, want 0", got)
	}
	for _, f := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := TPRAtFPR(s, p, f); err == nil {
			t.Errorf("FPR %v accepted", f)
		}
	}
	if _, err := TPRAtFPR(s, []bool{true, true, true, true}, 0.1); !errors.Is(err, ErrUndefined) {
		t.Errorf("no negatives: %v", err)
	}
}

func TestROCHandComputed(t *testing.T) {
	// scikit-learn's documented example: y=(0,0,1,1), s=(.1,.4,.35,.8):
	// AUC 0.75, AP 0.8333..., curve fpr (0,0,.5,.5,1) tpr (0,.5,.5,1,1).
	s := []float64{0.1, 0.4, 0.35, 0.8}
	p := []bool{false, false, true, true}
	if auc, _ := ROCAUC(s, p); auc != 0.75 {
		t.Errorf("AUC %v, want 0.75", auc)
	}
	if ap, _ := AveragePrecision(s, p); !near(ap, 0.5+0.5*2.0/3, 1e-15) {
		t.Errorf("AP %v, want 0.8333", ap)
	}
	pts, _ := ROCCurve(s, p)
	want := []ROCPoint{{math.Inf(1), 0, 0}, {0.8, 0, 0.5}, {0.4, 0.5, 0.5}, {0.35, 0.5, 1}, {0.1, 1, 1}}
	if len(pts) != len(want) {
		t.Fatalf("curve %v, want %v", pts, want)
	}
	for i := range want {
		if pts[i] != want[i] {
			t.Fatalf("curve %v, want %v", pts, want)
		}
	}
	// Ties between a positive and a negative count one half.
	if auc, _ := ROCAUC([]float64{0.5, 0.5}, []bool{true, false}); auc != 0.5 {
		t.Errorf("tied AUC %v, want 0.5", auc)
	}
	if ap, _ := AveragePrecision([]float64{0.5, 0.5}, []bool{true, false}); ap != 0.5 {
		t.Errorf("tied AP %v, want 0.5", ap)
	}
	// AP with positives only is 1.
	if ap, _ := AveragePrecision([]float64{3, 1}, []bool{true, true}); ap != 1 {
		t.Errorf("all-positive AP %v, want 1", ap)
	}
}

func TestROCErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    []float64
		p    []bool
		err  error
	}{
		{"empty", nil, nil, ErrEmpty},
		{"length", []float64{1}, []bool{true, false}, ErrShape},
		{"single-class", []float64{1, 2}, []bool{true, true}, ErrUndefined},
		{"no-positive", []float64{1, 2}, []bool{false, false}, ErrUndefined},
		{"nan", []float64{1, math.NaN()}, []bool{true, false}, ErrNonFinite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ROCAUC(tc.s, tc.p); !errors.Is(err, tc.err) {
				t.Errorf("ROCAUC err = %v, want %v", err, tc.err)
			}
			if _, err := ROCCurve(tc.s, tc.p); !errors.Is(err, tc.err) {
				t.Errorf("ROCCurve err = %v, want %v", err, tc.err)
			}
			want := tc.err
			if tc.name == "single-class" {
				want = nil // AP is defined without negatives
			}
			if _, err := AveragePrecision(tc.s, tc.p); !errors.Is(err, want) {
				t.Errorf("AP err = %v, want %v", err, want)
			}
		})
	}
}
