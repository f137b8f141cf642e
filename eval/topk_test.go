package eval

import (
	"slices"
	"sort"
	"testing"
)

func TestTopK(t *testing.T) {
	rng := newRNG(1)
	for _, tc := range []struct {
		name     string
		n, k     int
		skip     int
		distinct int // scores drawn from this many values (ties when small)
	}{
		{"empty", 0, 3, -1, 5},
		{"k0", 10, 0, -1, 5},
		{"k1", 50, 1, -1, 1000},
		{"ties", 200, 20, -1, 4},
		{"all-ties", 30, 10, 3, 1},
		{"skip", 100, 10, 7, 10},
		{"k>n", 10, 50, 2, 3},
		{"k=n-skip", 10, 9, 9, 3},
		{"large", 5000, 200, 123, 100000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scores := make([]float32, tc.n)
			for i := range scores {
				scores[i] = float32(rng.IntN(tc.distinct))
			}
			var want []int32
			for i := range scores {
				if i != tc.skip {
					want = append(want, int32(i))
				}
			}
			sort.SliceStable(want, func(a, b int) bool { return scores[want[a]] > scores[want[b]] })
			want = want[:min(tc.k, len(want))]
			got := topK(nil, scores, tc.k, tc.skip)
			if !slices.Equal(got, want) {
				t.Fatalf("topK = %v, want %v", got, want)
			}
			// Reusing a buffer gives the same answer.
			if got2 := topK(make([]int32, 3, 500), scores, tc.k, tc.skip); !slices.Equal(got2, want) {
				t.Fatalf("topK with buffer = %v, want %v", got2, want)
			}
		})
	}
}
