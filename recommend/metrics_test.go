package recommend

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveExpected ranks the candidates under every order of tie-breaking (all
// permutations of the candidates, stable-sorted by score) and returns the mean
// hit@k and NDCG@k of target: an oracle for rankOf, recallAt and ndcgAt.
func naiveExpected(scores []float32, target int, cand []bool, k int) (recall, ndcg float64) {
	var items []int
	for j := range scores {
		if j == target || cand[j] {
			items = append(items, j)
		}
	}
	perms := 0
	var permute func(p []int, i int)
	permute = func(p []int, i int) {
		if i == len(p) {
			order := slices.Clone(p)
			slices.SortStableFunc(order, func(a, b int) int {
				switch {
				case scores[a] > scores[b]:
					return -1
				case scores[a] < scores[b]:
					return 1
				}
				return 0
			})
			r := slices.Index(order, target)
			if r < k {
				recall++
				ndcg += 1 / math.Log2(float64(r)+2)
			}
			perms++
			return
		}
		for j := i; j < len(p); j++ {
			p[i], p[j] = p[j], p[i]
			permute(p, i+1)
			p[i], p[j] = p[j], p[i]
		}
	}
	permute(items, 0)
	return recall / float64(perms), ndcg / float64(perms)
}

func TestRankMetricsAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 60 {
		n := 2 + rng.IntN(6)
		scores := make([]float32, n)
		cand := make([]bool, n)
		for j := range scores {
			scores[j] = float32(rng.IntN(3)) // many ties
			cand[j] = rng.IntN(4) > 0
		}
		target := rng.IntN(n)
		for _, k := range []int{1, 2, 3, 10} {
			t.Run(fmt.Sprintf("%d/%v/%d/k%d", trial, scores, target, k), func(t *testing.T) {
				above, ties := rankOf(scores, target, func(j int) bool { return cand[j] })
				wr, wn := naiveExpected(scores, target, cand, k)
				if r := recallAt(above, ties, k); math.Abs(r-wr) > 1e-12 {
					t.Errorf("recall@%d %v, naive %v", k, r, wr)
				}
				if g := ndcgAt(above, ties, k); math.Abs(g-wn) > 1e-12 {
					t.Errorf("ndcg@%d %v, naive %v", k, g, wn)
				}
			})
		}
	}
}

func TestRankMetricsHandCases(t *testing.T) {
	for _, tc := range []struct {
		name         string
		scores       []float32
		target       int
		excluded     []int
		r1, r2, ndcg float64 // recall@1, recall@2, ndcg@2
	}{
		{"first", []float32{0.9, 0.1, 0.5}, 0, nil, 1, 1, 1},
		{"second", []float32{0.2, 0.1, 0.5}, 0, nil, 0, 1, 1 / math.Log2(3)},
		{"excluded above", []float32{0.2, 0.1, 0.5}, 0, []int{2}, 1, 1, 1},
		{"last", []float32{0.1, 0.3, 0.5}, 0, nil, 0, 0, 0},
		{"three-way tie", []float32{0.5, 0.5, 0.5}, 1, nil, 1.0 / 3, 2.0 / 3, (1 + 1/math.Log2(3)) / 3},
		{"NaN target", []float32{float32(math.NaN()), 0.1, 0.2}, 0, nil, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			above, ties := rankOf(tc.scores, tc.target, func(j int) bool { return !slices.Contains(tc.excluded, j) })
			got := []float64{recallAt(above, ties, 1), recallAt(above, ties, 2), ndcgAt(above, ties, 2)}
			want := []float64{tc.r1, tc.r2, tc.ndcg}
			for i := range got {
				if math.Abs(got[i]-want[i]) > 1e-12 {
					t.Errorf("got %v, want %v", got, want)
					break
				}
			}
		})
	}
}

func TestProtocolExcludesHistory(t *testing.T) {
	// Items 0..4; item 4 is cold. The user's history holds the best-scoring item.
	p := protocol{cand: []bool{true, true, true, true, false}, cases: []evalCase{
		{history: []int{0}, target: 2}, // 0 excluded, 4 not a candidate: 2 ranks after 1 only
		{history: nil, target: 3},
	}}
	scores := []float32{9, 5, 4, 1, 8}
	a := p.rank(func(_ int, _ evalCase, row []float32) { copy(row, scores) })
	// case 1: rank 1 (after item 1); case 2: rank 3 (after 0, 1, 2).
	m := map[string]float64{}
	a.into(m, "x_")
	if m["x_users"] != 2 || m["x_recall_at_10"] != 1 {
		t.Fatalf("%v", m)
	}
	want := (1/math.Log2(3) + 1/math.Log2(5)) / 2
	if math.Abs(m["x_ndcg_at_10"]-want) > 1e-12 {
		t.Errorf("ndcg %v, want %v", m["x_ndcg_at_10"], want)
	}
}

func TestBaselinesAgainstNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const users, items = 12, 9
	train := make([][]int, users)
	for u := range train {
		train[u] = append(train[u], rng.Perm(items)[:rng.IntN(5)]...)
	}
	rated := func(u, i int) bool { return slices.Contains(train[u], i) }
	// Naive cosine on the co-rating matrix, pair by pair.
	sim := func(i, j int) float64 {
		var both, ni, nj float64
		for u := range train {
			a, b := rated(u, i), rated(u, j)
			if a {
				ni++
			}
			if b {
				nj++
			}
			if a && b {
				both++
			}
		}
		if ni == 0 || nj == 0 {
			return 0
		}
		return both / math.Sqrt(ni*nj)
	}
	knn, pop := NewItemKNN(train, items), NewPopularity(train, items)
	out := make([]float32, items)
	for _, h := range [][]int{{0}, {1, 2, 3}, {4, 4}, nil, {8, 7, 6, 5}} {
		knn.Score(h, out)
		for j := range items {
			var want float64
			for _, i := range h {
				want += sim(i, j)
			}
			if math.Abs(float64(out[j])-want) > 1e-5 {
				t.Errorf("history %v item %d: item-kNN %v, naive %v", h, j, out[j], want)
			}
		}
		w := make([]float64, len(h))
		for n := range w {
			w[n] = 0.5 + float64(n)
		}
		knn.ScoreWeighted(h, w, out)
		for j := range items {
			var want float64
			for n, i := range h {
				want += w[n] * sim(i, j)
			}
			if math.Abs(float64(out[j])-want) > 1e-5 {
				t.Errorf("history %v weights %v item %d: item-kNN %v, naive %v", h, w, j, out[j], want)
			}
		}
		// The recent variant keeps the last two items, weights 1/3 and 2/3.
		RecentItemKNN{KNN: knn, Window: 2, Pooling: Recency, HalfLife: 1}.Score(h, out)
		for j := range items {
			var want float64
			if n := len(h); n >= 2 {
				want = sim(h[n-2], j)/3 + 2*sim(h[n-1], j)/3
			} else if n == 1 {
				want = sim(h[0], j)
			}
			if math.Abs(float64(out[j])-want) > 1e-5 {
				t.Errorf("history %v item %d: recent item-kNN %v, naive %v", h, j, out[j], want)
			}
		}
		pop.Score(h, out)
		for j := range items {
			c := 0
			for u := range train {
				if rated(u, j) {
					c++
				}
			}
			if out[j] != float32(c) {
				t.Errorf("popularity of %d: %v, want %d", j, out[j], c)
			}
		}
	}
}

func TestPairedLead(t *testing.T) {
	x := []float64{1, 0, 1, 1, 0}
	y := []float64{0, 0, 1, 0, 1}
	// differences 1, 0, 0, 1, -1: mean 0.2, sample variance (0.64+0.04+0.04+0.64+1.44)/4 = 0.7
	mean, ci := pairedLead(x, y)
	if math.Abs(mean-0.2) > 1e-12 || math.Abs(ci-1.96*math.Sqrt(0.7/5)) > 1e-12 {
		t.Errorf("lead %v ± %v", mean, ci)
	}
	if m, c := pairedLead([]float64{1}, []float64{0}); m != 1 || c != 0 {
		t.Errorf("one user: %v ± %v", m, c)
	}
}
