package miner

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

type pairList [][2]int

func zipPairs(a, b []int) pairList {
	var l pairList
	for i := range a {
		l = append(l, [2]int{a[i], b[i]})
	}
	return l
}

// naiveMultiSimilarity is the oracle: the rules of Wang et al. 2019 written
// out per pair, with the distance form (no negation) for distance tables.
func naiveMultiSimilarity(d *tensor.Tensor, sim bool, labels []int, eps float32) (pos, neg pairList) {
	n := len(labels)
	for i := range n {
		for j := range n {
			if j == i {
				continue
			}
			v := d.At(i, j)
			keep := false
			if labels[j] == labels[i] {
				// Is the positive within eps of the hardest negative?
				for q := range n {
					if labels[q] == labels[i] {
						continue
					}
					w := d.At(i, q)
					if (sim && v-eps < w) || (!sim && v+eps > w) {
						keep = true
					}
				}
				if keep {
					pos = append(pos, [2]int{i, j})
				}
				continue
			}
			// Is the negative within eps of the hardest positive?
			for k := range n {
				if k == i || labels[k] != labels[i] {
					continue
				}
				w := d.At(i, k)
				if (sim && v+eps > w) || (!sim && v-eps < w) {
					keep = true
				}
			}
			if keep {
				neg = append(neg, [2]int{i, j})
			}
		}
	}
	return pos, neg
}

func TestMultiSimilarityMatchesNaive(t *testing.T) {
	for _, sim := range []bool{false, true} {
		for _, eps := range []float32{0, 0.1, 0.5} {
			for seed := uint64(10); seed < 14; seed++ {
				t.Run(fmt.Sprintf("sim=%v/eps=%g/seed=%d", sim, eps, seed), func(t *testing.T) {
					d, labels := randTable(seed, 24)
					got := MultiSimilarity{Epsilon: eps}.MinePairs(d, sim, labels)
					wantP, wantN := naiveMultiSimilarity(d, sim, labels, eps)
					if len(wantP) == 0 || len(wantN) == 0 {
						t.Fatalf("oracle kept %d positive and %d negative pairs: table too easy", len(wantP), len(wantN))
					}
					if gp := zipPairs(got.A1, got.P); !slices.Equal(gp, wantP) {
						t.Errorf("positive pairs\n got %v\nwant %v", gp, wantP)
					}
					if gn := zipPairs(got.A2, got.N); !slices.Equal(gn, wantN) {
						t.Errorf("negative pairs\n got %v\nwant %v", gn, wantN)
					}
				})
			}
		}
	}
}

func TestMultiSimilarityHand(t *testing.T) {
	cases := []struct {
		name         string
		sim          bool
		eps          float32
		table        []float32
		labels       []int
		wantP, wantN pairList
	}{
		{
			// Anchor 0: hardest positive .5, hardest negative .45: keeps (0,1)
			// (.4 < .45) and (0,2) (.55 > .5) but not (0,3) (.3). Anchor 1:
			// hardest negative .7 keeps (1,0) and (1,3). Anchors 2 and 3 are easy.
			name: "cosine", sim: true, eps: 0.1,
			table: []float32{
				1, .5, .45, .2,
				.5, 1, .3, .7,
				.45, .3, 1, .9,
				.2, .7, .9, 1,
			},
			labels: []int{0, 0, 1, 1},
			wantP:  pairList{{0, 1}, {1, 0}},
			wantN:  pairList{{0, 2}, {1, 3}},
		},
		{
			// Anchor 0: d(0,2) - .1 = .85 < 1 and d(0,1) + .1 = 1.1 > .95.
			// Anchor 1: 1.4 is not < 1, 1.1 is not > 1.5. Anchor 2 has no positive.
			name: "distance", sim: false, eps: 0.1,
			table: []float32{
				0, 1, .95,
				1, 0, 1.5,
				.95, 1.5, 0,
			},
			labels: []int{0, 0, 1},
			wantP:  pairList{{0, 1}},
			wantN:  pairList{{0, 2}},
		},
		{
			name: "one class", sim: true, eps: 0.1,
			table:  []float32{1, .2, .2, 1},
			labels: []int{3, 3},
		},
		{
			name: "no positives", sim: false, eps: 10,
			table:  []float32{0, 1, 1, 0},
			labels: []int{0, 1},
		},
		{
			// The NaN negative of anchor 0 is neither kept nor taken as the
			// hardest negative: that stays .85, which keeps (0,1) (.8 < .85)
			// and (0,3) (.95 > .9). A NaN max would have kept nothing.
			name: "nan", sim: true, eps: 0.1,
			table: []float32{
				1, .9, float32(math.NaN()), .85,
				.9, 1, .1, .2,
				float32(math.NaN()), .1, 1, .5,
				.85, .2, .5, 1,
			},
			labels: []int{0, 0, 1, 2},
			wantP:  pairList{{0, 1}},
			wantN:  pairList{{0, 3}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(c.labels)
			p := MultiSimilarity{Epsilon: c.eps}.MinePairs(tensor.FromSlice(c.table, n, n), c.sim, c.labels)
			if gp := zipPairs(p.A1, p.P); !slices.Equal(gp, c.wantP) {
				t.Errorf("positive pairs %v, want %v", gp, c.wantP)
			}
			if gn := zipPairs(p.A2, p.N); !slices.Equal(gn, c.wantN) {
				t.Errorf("negative pairs %v, want %v", gn, c.wantN)
			}
		})
	}
}

func TestNewMultiSimilarity(t *testing.T) {
	for _, c := range []struct {
		eps float32
		ok  bool
	}{
		{0.1, true}, {0, true}, {-0.1, false}, {float32(math.NaN()), false}, {float32(math.Inf(1)), false},
	} {
		t.Run(fmt.Sprint(c.eps), func(t *testing.T) {
			m, err := NewMultiSimilarity(c.eps)
			if (err == nil) != c.ok {
				t.Fatalf("NewMultiSimilarity(%v) error %v, want ok=%v", c.eps, err, c.ok)
			}
			if c.ok && m.Epsilon != c.eps {
				t.Errorf("epsilon %v, want %v", m.Epsilon, c.eps)
			}
		})
	}
	if s := (MultiSimilarity{Epsilon: 0.1}).String(); s != "multi-similarity(epsilon=0.1)" {
		t.Errorf("String() = %q", s)
	}
}

func TestMultiSimilarityShapePanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic for a (3, 3) table with 2 labels")
		}
	}()
	MultiSimilarity{Epsilon: 0.1}.MinePairs(tensor.New(3, 3), true, []int{0, 1})
}

var _ PairMiner = MultiSimilarity{}
