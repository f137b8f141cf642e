package miner

import (
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func randTable(seed uint64, n int) (*tensor.Tensor, []int) {
	rng := tensor.NewRNG(seed)
	d := tensor.New(n, n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := rng.Float32() * 2
			d.Set(v, i, j)
			d.Set(v, j, i)
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = rng.IntN(4)
	}
	return d, labels
}

func TestBatchHardIsHardest(t *testing.T) {
	for _, sim := range []bool{false, true} {
		d, labels := randTable(1, 20)
		tr := BatchHard{}.MineTriplets(d, sim, labels)
		seen := map[int]bool{}
		for i := range tr.Len() {
			a, p, n := tr.Anchor[i], tr.Positive[i], tr.Negative[i]
			seen[a] = true
			if labels[p] != labels[a] || p == a || labels[n] == labels[a] {
				t.Fatalf("invalid triplet %d %d %d", a, p, n)
			}
			for j := range labels {
				if j == a {
					continue
				}
				v := d.At(a, j)
				if labels[j] == labels[a] && closer(d.At(a, p), v, sim) {
					t.Errorf("sim=%v anchor %d: positive %d is harder than chosen %d", sim, a, j, p)
				}
				if labels[j] != labels[a] && closer(v, d.At(a, n), sim) {
					t.Errorf("sim=%v anchor %d: negative %d is harder than chosen %d", sim, a, j, n)
				}
			}
		}
		// Every anchor with a positive and a negative is present.
		for a := range labels {
			hasP, hasN := false, false
			for j := range labels {
				if j != a && labels[j] == labels[a] {
					hasP = true
				}
				if labels[j] != labels[a] {
					hasN = true
				}
			}
			if hasP && hasN && !seen[a] {
				t.Errorf("anchor %d missing", a)
			}
		}
	}
}

func TestBatchAllCount(t *testing.T) {
	d, labels := randTable(2, 15)
	want := 0
	for a := range labels {
		for p := range labels {
			for n := range labels {
				if p != a && labels[p] == labels[a] && labels[n] != labels[a] {
					want++
				}
			}
		}
	}
	if got := (BatchAll{}).MineTriplets(d, false, labels).Len(); got != want {
		t.Errorf("BatchAll gave %d triplets, want %d", got, want)
	}
}

func TestSemiHard(t *testing.T) {
	const margin = 0.3
	d, labels := randTable(3, 24)
	tr := SemiHard{Margin: margin}.MineTriplets(d, false, labels)
	got := map[[2]int]int{}
	for i := range tr.Len() {
		got[[2]int{tr.Anchor[i], tr.Positive[i]}] = tr.Negative[i]
	}
	if len(got) == 0 {
		t.Fatal("no semi-hard triplets found on random data")
	}
	// Independent oracle: for each positive pair, the nearest negative in (d_ap, d_ap+margin).
	for a := range labels {
		for p := range labels {
			if p == a || labels[p] != labels[a] {
				continue
			}
			best, bd := -1, float32(0)
			for n := range labels {
				if labels[n] == labels[a] {
					continue
				}
				dan := d.At(a, n)
				if dan > d.At(a, p) && dan < d.At(a, p)+margin && (best < 0 || dan < bd) {
					best, bd = n, dan
				}
			}
			n, ok := got[[2]int{a, p}]
			if best < 0 && ok {
				t.Errorf("pair (%d,%d) has no semi-hard negative but got %d", a, p, n)
			}
			if best >= 0 && (!ok || n != best) {
				t.Errorf("pair (%d,%d): got %d (present %v), want %d", a, p, n, ok, best)
			}
		}
	}
}

func TestAllPairs(t *testing.T) {
	d, labels := randTable(4, 9)
	p := AllPairs{}.MinePairs(d, false, labels)
	if len(p.A1)+len(p.A2) != 9*8/2 {
		t.Errorf("%d pairs, want 36", len(p.A1)+len(p.A2))
	}
	for i := range p.A1 {
		if labels[p.A1[i]] != labels[p.P[i]] {
			t.Error("positive pair with different labels")
		}
	}
	for i := range p.A2 {
		if labels[p.A2[i]] == labels[p.N[i]] {
			t.Error("negative pair with equal labels")
		}
	}
}

// TestBatchHardTies checks that among equally hard candidates the lowest
// index wins, for distances and similarities alike, so that mining is
// deterministic whatever order the loop visits them in.
func TestBatchHardTies(t *testing.T) {
	labels := []int{0, 1, 0, 1, 0, 1}
	d := tensor.New(6, 6) // all off-diagonal entries equal
	for i := range 6 {
		for j := range 6 {
			if i != j {
				d.Set(0.5, i, j)
			}
		}
	}
	for _, sim := range []bool{false, true} {
		tr := BatchHard{}.MineTriplets(d, sim, labels)
		if tr.Len() != 6 {
			t.Fatalf("sim=%v: %d triplets, want 6", sim, tr.Len())
		}
		for i := range tr.Len() {
			a := tr.Anchor[i]
			wantP, wantN := -1, -1
			for j := range labels {
				if j != a && labels[j] == labels[a] && wantP < 0 {
					wantP = j
				}
				if labels[j] != labels[a] && wantN < 0 {
					wantN = j
				}
			}
			if tr.Positive[i] != wantP || tr.Negative[i] != wantN {
				t.Errorf("sim=%v anchor %d: got (%d, %d), want the lowest indices (%d, %d)", sim, a, tr.Positive[i], tr.Negative[i], wantP, wantN)
			}
		}
	}
}

// TestBatchHardNaN pins what a NaN distance does: a NaN that comes first
// among an anchor's candidates is kept (no comparison with it succeeds), and a
// later NaN never displaces a candidate.
func TestBatchHardNaN(t *testing.T) {
	nan := float32(math.NaN())
	labels := []int{0, 0, 0, 1, 1}
	d := tensor.New(5, 5)
	for i := range 5 {
		for j := range 5 {
			d.Set(float32(1+i+j), i, j)
		}
	}
	d.Set(nan, 0, 1) // anchor 0: first positive candidate is NaN, then 2 (farther in any order)
	d.Set(nan, 0, 4) // anchor 0: a later negative NaN must not displace 3
	d.Set(nan, 1, 2) // anchor 1: positives 0, then 2 at NaN: 0 stays
	tr := BatchHard{}.MineTriplets(d, false, labels)
	want := map[int][2]int{0: {1, 3}, 1: {0, 3}}
	for i := range tr.Len() {
		a := tr.Anchor[i]
		if w, ok := want[a]; ok && (tr.Positive[i] != w[0] || tr.Negative[i] != w[1]) {
			t.Errorf("anchor %d: got (%d, %d), want (%d, %d)", a, tr.Positive[i], tr.Negative[i], w[0], w[1])
		}
	}
}
