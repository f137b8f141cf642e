package eval

import (
	"errors"
	"testing"
)

// naiveRetrieval computes the Musgrave et al. metrics from a full sort of
// every query's references, straight from the definitions.
func naiveRetrieval(sim Similarity, q [][]float64, ql []int, r [][]float64, rl []int, self bool, ks []int) RetrievalResult {
	res := RetrievalResult{RecallAtK: make([]float64, len(ks))}
	for i := range q {
		skip := -1
		if self {
			skip = i
		}
		rank, _ := naiveRanking(sim, q[i], r, skip)
		R := 0
		for _, j := range rank {
			if rl[j] == ql[i] {
				R++
			}
		}
		if R == 0 {
			res.Skipped++
			continue
		}
		res.Queries++
		rel := func(pos int) bool { return rl[rank[pos]] == ql[i] }
		if rel(0) {
			res.PrecisionAt1++
		}
		r := 0
		var ap float64
		for pos := 0; pos < R; pos++ {
			if rel(pos) {
				r++
				// P(pos+1) = relevant among the first pos+1 / (pos+1), counted afresh.
				c := 0
				for p2 := 0; p2 <= pos; p2++ {
					if rel(p2) {
						c++
					}
				}
				ap += float64(c) / float64(pos+1)
			}
		}
		res.RPrecision += float64(r) / float64(R)
		res.MAPAtR += ap / float64(R)
		for t, k := range ks {
			for pos := 0; pos < k && pos < len(rank); pos++ {
				if rel(pos) {
					res.RecallAtK[t]++
					break
				}
			}
		}
	}
	n := float64(res.Queries)
	res.PrecisionAt1 /= n
	res.RPrecision /= n
	res.MAPAtR /= n
	for t := range res.RecallAtK {
		res.RecallAtK[t] /= n
	}
	return res
}

func sameRetrieval(t *testing.T, got, want RetrievalResult) {
	t.Helper()
	ok := got.Queries == want.Queries && got.Skipped == want.Skipped &&
		near(got.PrecisionAt1, want.PrecisionAt1, 1e-12) && near(got.RPrecision, want.RPrecision, 1e-12) &&
		near(got.MAPAtR, want.MAPAtR, 1e-12) && len(got.RecallAtK) == len(want.RecallAtK)
	for i := range want.RecallAtK {
		ok = ok && near(got.RecallAtK[i], want.RecallAtK[i], 1e-12)
	}
	if !ok {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func TestRetrievalAgainstNaive(t *testing.T) {
	rng := newRNG(5)
	grid, gridLabels := gridSphere(rng, 220, 6, 3)
	sign := signMatrix(rng, 150, 16)
	signLabels := make([]int, sign.Rows)
	for i := range signLabels {
		signLabels[i] = rng.IntN(5)
	}
	// A label present only among queries, to exercise Skipped.
	gridLabels[3] = 99
	// Rows scaled by 1, 2 or 4: norms differ (so Euclidean, inner product and
	// cosine rank differently) while every score stays exact.
	scaled := Matrix{grid.Rows, grid.Cols, make([]float32, len(grid.Data))}
	for i := range grid.Rows {
		f := float32(int(1) << rng.IntN(3))
		for j := range grid.Cols {
			scaled.Data[i*grid.Cols+j] = f * grid.Data[i*grid.Cols+j]
		}
	}
	ks := []int{1, 2, 4, 8, 1000}
	for _, tc := range []struct {
		name   string
		x      Matrix
		labels []int
		sim    Similarity
		chunk  int
	}{
		{"grid-cosine", grid, gridLabels, Cosine, 0},
		{"grid-inner", grid, gridLabels, InnerProduct, 5},
		{"grid-euclid", grid, gridLabels, Euclidean, 0},
		{"scaled-cosine", scaled, gridLabels, Cosine, 0},
		{"scaled-inner", scaled, gridLabels, InnerProduct, 0},
		{"scaled-euclid", scaled, gridLabels, Euclidean, 3},
		{"sign-cosine-ties", sign, signLabels, Cosine, 1},
		{"sign-euclid-ties", sign, signLabels, Euclidean, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := RetrievalConfig{Similarity: tc.sim, RecallK: ks, ChunkRows: tc.chunk}
			at := 50
			d := tc.x.Cols
			q, ql := Matrix{at, d, tc.x.Data[:at*d]}, tc.labels[:at]
			r, rl := Matrix{tc.x.Rows - at, d, tc.x.Data[at*d:]}, tc.labels[at:]
			got, err := Retrieval(q, ql, r, rl, cfg)
			if err != nil {
				t.Fatal(err)
			}
			sameRetrieval(t, got, naiveRetrieval(tc.sim, rows64(q), ql, rows64(r), rl, false, ks))

			got, err = RetrievalSelf(tc.x, tc.labels, cfg)
			if err != nil {
				t.Fatal(err)
			}
			x := rows64(tc.x)
			sameRetrieval(t, got, naiveRetrieval(tc.sim, x, tc.labels, x, tc.labels, true, ks))
		})
	}
}

func TestRetrievalHandComputed(t *testing.T) {
	// 1-D inner product: references ranked 5,4,3,2,1 with labels A B A A B.
	// Query A: R=3, top3 = A B A -> P@1 1, R-prec 2/3, MAP@R (1 + 2/3)/3 = 5/9.
	// Query B: R=2, top2 = A B  -> P@1 0, R-prec 1/2, MAP@R (1/2)/2 = 1/4.
	// Query C: no relevant reference -> skipped.
	ref := Matrix{5, 1, []float32{5, 4, 3, 2, 1}}
	rl := []int{0, 1, 0, 0, 1}
	q := Matrix{3, 1, []float32{1, 1, 1}}
	got, err := Retrieval(q, []int{0, 1, 2}, ref, rl, RetrievalConfig{Similarity: InnerProduct, RecallK: []int{1, 2}})
	if err != nil {
		t.Fatal(err)
	}
	want := RetrievalResult{
		PrecisionAt1: 0.5, RPrecision: (2.0/3 + 0.5) / 2, MAPAtR: (5.0/9 + 0.25) / 2,
		RecallAtK: []float64{0.5, 1}, Queries: 2, Skipped: 1,
	}
	sameRetrieval(t, got, want)

	// Perfect embedding: every class its own direction -> all metrics 1.
	x := Matrix{6, 2, []float32{1, 0, 2, 0, 3, 0, 0, 1, 0, 2, 0, 3}}
	got, err = RetrievalSelf(x, []int{7, 7, 7, 8, 8, 8}, RetrievalConfig{RecallK: []int{1}})
	if err != nil {
		t.Fatal(err)
	}
	sameRetrieval(t, got, RetrievalResult{PrecisionAt1: 1, RPrecision: 1, MAPAtR: 1, RecallAtK: []float64{1}, Queries: 6})
}

func TestRetrievalErrors(t *testing.T) {
	ok := Matrix{2, 2, []float32{1, 0, 0, 1}}
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"empty", ErrEmpty, func() error { _, e := Retrieval(Matrix{0, 2, nil}, nil, ok, []int{0, 1}, RetrievalConfig{}); return e }},
		{"labels", ErrShape, func() error { _, e := Retrieval(ok, []int{0}, ok, []int{0, 1}, RetrievalConfig{}); return e }},
		{"dims", ErrShape, func() error {
			_, e := Retrieval(Matrix{1, 1, []float32{1}}, []int{0}, ok, []int{0, 1}, RetrievalConfig{})
			return e
		}},
		{"recall k", ErrConfig, func() error { _, e := RetrievalSelf(ok, []int{0, 0}, RetrievalConfig{RecallK: []int{0}}); return e }},
		{"similarity", ErrConfig, func() error { _, e := RetrievalSelf(ok, []int{0, 0}, RetrievalConfig{Similarity: 9}); return e }},
		{"no relevant", ErrUndefined, func() error { _, e := RetrievalSelf(ok, []int{0, 1}, RetrievalConfig{}); return e }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
}

func TestSimilarityString(t *testing.T) {
	for s, want := range map[Similarity]string{Cosine: "cosine", InnerProduct: "inner-product", Euclidean: "euclidean", 7: "Similarity(7)"} {
		if s.String() != want {
			t.Errorf("%d: %q, want %q", int(s), s.String(), want)
		}
	}
}
