package text

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

func TestBatchPlan(t *testing.T) {
	groups := [][]int{{0, 1, 2, 3, 4, 5, 6}, {7, 8, 9}, {10}}
	for _, byGroup := range []bool{true, false} {
		plan := batchPlan(groups, 3, byGroup, rand.New(rand.NewPCG(1, 2)))
		var all []int
		for _, b := range plan {
			if len(b) < 2 || len(b) > 3 {
				t.Fatalf("batch %v: size outside [2, 3]", b)
			}
			if byGroup {
				g := func(i int) int { return map[bool]int{true: 0, false: 1}[i < 7] }
				for _, i := range b {
					if g(i) != g(b[0]) {
						t.Fatalf("batch %v mixes groups", b)
					}
				}
			}
			all = append(all, b...)
		}
		slices.Sort(all)
		// By group: 7 -> 3+3 (1 left over), 3 -> 3, 1 -> none; pooled: 11 -> 3+3+3+2.
		want := 9
		if !byGroup {
			want = 11
		}
		if len(all) != want || len(slices.Compact(all)) != want {
			t.Fatalf("byGroup %v: items %v, want %d distinct", byGroup, all, want)
		}
	}
	a := batchPlan(groups, 3, true, rand.New(rand.NewPCG(1, 2)))
	b := batchPlan(groups, 3, true, rand.New(rand.NewPCG(1, 2)))
	if !slices.EqualFunc(a, b, slices.Equal) {
		t.Fatal("same seed, different plans")
	}
}

func TestDedupeBatches(t *testing.T) {
	pairs := []pair{{a: "x", b: "y"}, {a: "x", b: "z"}, {a: "u", b: "v"}, {a: "y", b: "w"}, {a: "p", b: "q"}}
	out := dedupeBatches([][]int{{0, 1, 2, 3}, {4}}, pairs, 4)
	for _, b := range out {
		seen := map[string]bool{}
		for _, i := range b {
			for _, s := range []string{pairs[i].a, pairs[i].b} {
				if seen[s] {
					t.Fatalf("batch %v repeats %q", b, s)
				}
				seen[s] = true
			}
		}
	}
	if len(out) != 2 || !slices.Equal(out[0], []int{0, 2}) || !slices.Equal(out[1], []int{1, 3, 4}) {
		t.Fatalf("batches %v, want [[0 2] [1 3 4]]", out)
	}
}

func TestScaled(t *testing.T) {
	p := &data.ScoredPairs{ScoreMin: 1, ScoreMax: 5, Pairs: []data.Pair{{Score: 1}, {Score: 3}, {Score: 5}}}
	if got := scaled(p); !slices.Equal(got, []float32{0, 0.5, 1}) {
		t.Fatalf("scaled %v", got)
	}
	p = &data.ScoredPairs{Pairs: []data.Pair{{Score: 10}, {Score: 20}, {Score: 15}}}
	if got := scaled(p); !slices.Equal(got, []float32{0, 1, 0.5}) {
		t.Fatalf("scaled without a nominal range %v", got)
	}
}
