package eval

import (
	"errors"
	"math"
	"runtime"
	"testing"
)

// naiveKNN returns, for every query, the set of labels whose weighted vote is
// within 1e-9 of the best in log space (so that exact ties, which float rounding
// may break either way, are accepted), and the smallest such label.
func naiveKNN(q, r [][]float64, rl []int, k int, temp float64, self bool) (accept []map[int]bool, best []int) {
	for i := range q {
		skip := -1
		if self {
			skip = i
		}
		idx, s := naiveRanking(Cosine, q[i], r, skip)
		if k < len(idx) {
			idx = idx[:k]
		}
		// Votes in log space, log Σ exp(s/T), so tiny temperatures do not overflow.
		logs := map[int][]float64{}
		for _, j := range idx {
			logs[rl[j]] = append(logs[rl[j]], s[j]/temp)
		}
		votes := map[int]float64{}
		top := math.Inf(-1)
		for l, v := range logs {
			m := math.Inf(-1)
			for _, x := range v {
				m = max(m, x)
			}
			var sum float64
			for _, x := range v {
				sum += math.Exp(x - m)
			}
			votes[l] = m + math.Log(sum)
			top = max(top, votes[l])
		}
		acc := map[int]bool{}
		b := math.MaxInt
		for l, v := range votes {
			if v >= top-1e-9 {
				acc[l] = true
				b = min(b, l)
			}
		}
		accept = append(accept, acc)
		best = append(best, b)
	}
	return accept, best
}

func TestKNNAgainstNaive(t *testing.T) {
	rng := newRNG(11)
	gauss, gaussLabels := gridSphere(rng, 200, 5, 3)
	sign := signMatrix(rng, 240, 16)
	signLabels := make([]int, sign.Rows)
	for i := range signLabels {
		signLabels[i] = rng.IntN(4)*10 - 7 // sparse, negative labels
	}
	split := func(m Matrix, l []int, at int) (Matrix, []int, Matrix, []int) {
		return Matrix{at, m.Cols, m.Data[:at*m.Cols]}, l[:at], Matrix{m.Rows - at, m.Cols, m.Data[at*m.Cols:]}, l[at:]
	}
	for _, tc := range []struct {
		name   string
		x      Matrix
		labels []int
		k      int
		temp   float64
		chunk  int
	}{
		{"grid-k10", gauss, gaussLabels, 10, 0.1, 0},
		{"grid-k1", gauss, gaussLabels, 1, 0.07, 0},
		{"grid-k200-chunk7", gauss, gaussLabels, 200, 0.1, 7},
		{"grid-kall", gauss, gaussLabels, 10000, 0.5, 1},
		{"sign-ties-k15", sign, signLabels, 15, 0.1, 0},
		{"sign-ties-k1-chunk3", sign, signLabels, 1, 0.1, 3},
		{"tiny-temperature", gauss, gaussLabels, 20, 1e-4, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := KNNConfig{K: tc.k, Temperature: tc.temp, ChunkRows: tc.chunk}
			q, ql, r, rl := split(tc.x, tc.labels, 60)
			res, err := KNNEvaluate(q, ql, r, rl, cfg)
			if err != nil {
				t.Fatal(err)
			}
			accept, _ := naiveKNN(rows64(q), rows64(r), rl, tc.k, tc.temp, false)
			correct, ambiguous := 0, 0
			for i, p := range res.Predictions {
				if !accept[i][p] {
					t.Fatalf("query %d: predicted %d, naive accepts %v", i, p, accept[i])
				}
				if len(accept[i]) > 1 {
					ambiguous++
				}
				if p == ql[i] {
					correct++
				}
			}
			if ambiguous > len(ql)/5 {
				t.Fatalf("%d of %d queries have tied votes: test data too weak", ambiguous, len(ql))
			}
			if res.Correct != correct || res.Accuracy != float64(correct)/float64(len(ql)) {
				t.Fatalf("Correct=%d Accuracy=%v, want %d", res.Correct, res.Accuracy, correct)
			}

			// Leave-one-out on the whole set.
			self, err := KNNEvaluateSelf(tc.x, tc.labels, cfg)
			if err != nil {
				t.Fatal(err)
			}
			x64 := rows64(tc.x)
			acceptSelf, _ := naiveKNN(x64, x64, tc.labels, tc.k, tc.temp, true)
			for i, p := range self.Predictions {
				if !acceptSelf[i][p] {
					t.Fatalf("self query %d: predicted %d, naive accepts %v", i, p, acceptSelf[i])
				}
			}
		})
	}
}

func TestKNNHandComputed(t *testing.T) {
	// References on the unit circle; query at angle 0.
	// sims: r0=cos0=1 (label 1), r1=cos(pi/3)=0.5 (label 2), r2=0.5 (label 2), r3=-1 (label 2).
	// k=3, T=1: votes 1: e^1 = 2.718; 2: 2e^0.5 = 3.297 -> 2.
	// k=3, T=0.1: 1: e^10; 2: 2e^5 -> 1.  k=1 -> 1.
	c, s := float32(0.5), float32(math.Sqrt(3)/2)
	ref := Matrix{4, 2, []float32{3, 0, c, s, c, -s, -2, 0}} // unnormalised on purpose
	rl := []int{1, 2, 2, 2}
	q := Matrix{1, 2, []float32{5, 0}}
	for _, tc := range []struct {
		k    int
		temp float64
		want int
	}{{3, 1, 2}, {3, 0.1, 1}, {1, 1, 1}, {4, 1, 2}, {4, 0.1, 1}} {
		p, err := KNNClassify(q, ref, rl, KNNConfig{K: tc.k, Temperature: tc.temp})
		if err != nil {
			t.Fatal(err)
		}
		if p[0] != tc.want {
			t.Errorf("k=%d T=%g: got %d, want %d", tc.k, tc.temp, p[0], tc.want)
		}
	}
	// Self mode must exclude the query itself: two identical points of label 5
	// and one of label 6 near them. Without exclusion the duplicate still votes.
	x := Matrix{3, 2, []float32{1, 0, 1, 0.01, 0, 1}}
	res, err := KNNEvaluateSelf(x, []int{5, 6, 7}, KNNConfig{K: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := []int{6, 5, 6}; !equalInts(res.Predictions, want) {
		t.Fatalf("self predictions %v, want %v", res.Predictions, want)
	}
	// Vote ties go to the smallest label.
	tie := Matrix{2, 2, []float32{1, 0, 1, 0}}
	p, err := KNNClassify(Matrix{1, 2, []float32{1, 0}}, tie, []int{9, 4}, KNNConfig{K: 2})
	if err != nil || p[0] != 4 {
		t.Fatalf("tie: got %v %v, want 4", p, err)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKNNErrors(t *testing.T) {
	ok := Matrix{2, 2, []float32{1, 0, 0, 1}}
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"empty query", ErrEmpty, func() error { _, e := KNNClassify(Matrix{0, 2, nil}, ok, []int{0, 1}, KNNConfig{}); return e }},
		{"empty ref", ErrEmpty, func() error { _, e := KNNClassify(ok, Matrix{0, 2, nil}, nil, KNNConfig{}); return e }},
		{"bad data length", ErrShape, func() error { _, e := KNNClassify(Matrix{2, 2, []float32{1}}, ok, []int{0, 1}, KNNConfig{}); return e }},
		{"dim mismatch", ErrShape, func() error {
			_, e := KNNClassify(Matrix{1, 3, []float32{1, 2, 3}}, ok, []int{0, 1}, KNNConfig{})
			return e
		}},
		{"ref labels", ErrShape, func() error { _, e := KNNClassify(ok, ok, []int{0}, KNNConfig{}); return e }},
		{"query labels", ErrShape, func() error { _, e := KNNEvaluate(ok, []int{0, 1, 2}, ok, []int{0, 1}, KNNConfig{}); return e }},
		{"nan", ErrNonFinite, func() error {
			_, e := KNNClassify(Matrix{1, 2, []float32{float32(math.NaN()), 0}}, ok, []int{0, 1}, KNNConfig{})
			return e
		}},
		{"negative k", ErrConfig, func() error { _, e := KNNClassify(ok, ok, []int{0, 1}, KNNConfig{K: -1}); return e }},
		{"negative T", ErrConfig, func() error { _, e := KNNClassify(ok, ok, []int{0, 1}, KNNConfig{Temperature: -1}); return e }},
		{"self one row", ErrEmpty, func() error { _, e := KNNEvaluateSelf(Matrix{1, 2, []float32{1, 0}}, []int{0}, KNNConfig{}); return e }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestKNNSingleClass(t *testing.T) {
	x, _ := clustered(newRNG(3), 30, 4, 1, 1)
	res, err := KNNEvaluateSelf(x, make([]int, 30), DefaultKNN())
	if err != nil || res.Accuracy != 1 {
		t.Fatalf("single class: %+v %v", res, err)
	}
}

// TestKNNMemoryBounded checks that scores are computed chunk by chunk: the
// full (queries, references) matrix would be 4000*3000 floats = 48 MB.
func TestKNNMemoryBounded(t *testing.T) {
	if got := (&scorer{nRef: 60000}).chunkRows(10000, 0); got*60000 > scoreBudget || got < 1 {
		t.Fatalf("chunkRows for 10000x60000 = %d rows (%d scores), budget %d", got, got*60000, scoreBudget)
	}
	rng := newRNG(4)
	q, _ := clustered(rng, 4000, 4, 3, 1)
	r, rl := clustered(rng, 3000, 4, 3, 1)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := KNNClassify(q, r, rl, KNNConfig{K: 5, ChunkRows: 64}); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 && !raceEnabled {
		t.Fatalf("allocated %d bytes; a chunked scan needs about 1 MB", alloc)
	}
}
