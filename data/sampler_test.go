package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// randomLabels returns n labels over k classes with uneven class sizes.
func randomLabels(n, k int, seed uint64) []int {
	r := rand.New(rand.NewPCG(seed, 1))
	l := make([]int, n)
	for i := range l {
		l[i] = r.IntN(k)
		if r.IntN(4) == 0 {
			l[i] = 0 // class 0 is larger
		}
	}
	return l
}

func flatten(b [][]int) []int { return slices.Concat(b...) }

func TestSequentialAndRandom(t *testing.T) {
	s, err := NewSequential(7, 3)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(s.Batches(5)); got != "[[0 1 2] [3 4 5] [6]]" {
		t.Fatalf("sequential %s", got)
	}
	for _, c := range []struct {
		n, b     int
		dropLast bool
		batches  int
	}{{10, 3, false, 4}, {10, 3, true, 3}, {9, 3, true, 3}, {0, 4, false, 0}, {5, 8, false, 1}, {5, 8, true, 0}} {
		t.Run(fmt.Sprintf("n%d_b%d_drop%v", c.n, c.b, c.dropLast), func(t *testing.T) {
			r, err := NewRandom(c.n, c.b, c.dropLast, 42)
			if err != nil {
				t.Fatal(err)
			}
			e0 := r.Batches(0)
			if len(e0) != c.batches {
				t.Fatalf("%d batches, want %d", len(e0), c.batches)
			}
			all := flatten(e0)
			slices.Sort(all)
			if !c.dropLast && !slices.Equal(all, rangeIdx(0, c.n)) {
				t.Fatalf("epoch is not a permutation: %v", all)
			}
			if len(slices.Compact(all)) != len(all) {
				t.Fatalf("repeated index: %v", all)
			}
			for i, b := range e0 {
				if len(b) > c.b || (c.dropLast && len(b) != c.b) || (i < len(e0)-1 && len(b) != c.b) {
					t.Fatalf("batch %d has %d", i, len(b))
				}
			}
			if !slices.EqualFunc(e0, r.Batches(0), slices.Equal) {
				t.Fatal("same epoch, different batches")
			}
		})
	}
	r, _ := NewRandom(100, 10, false, 1)
	r2, _ := NewRandom(100, 10, false, 2)
	if slices.Equal(flatten(r.Batches(0)), flatten(r.Batches(1))) || slices.Equal(flatten(r.Batches(0)), flatten(r2.Batches(0))) {
		t.Fatal("epochs or seeds give the same order")
	}
	for _, bad := range [][2]int{{-1, 3}, {3, 0}} {
		if _, err := NewRandom(bad[0], bad[1], false, 0); err == nil {
			t.Errorf("NewRandom%v: no error", bad)
		}
		if _, err := NewSequential(bad[0], bad[1]); err == nil {
			t.Errorf("NewSequential%v: no error", bad)
		}
	}
}

func TestMPerClass(t *testing.T) {
	for _, c := range []struct {
		name    string
		labels  []int
		m, k    int
		classes int
	}{
		{"uneven", randomLabels(300, 7, 3), 4, 3, 7},
		{"small classes", []int{5, 5, 9, 9, 9, 9, 9, 9, 9, 1, -2, -2, -2}, 3, 2, 4},
		{"k all", randomLabels(60, 3, 4), 2, 3, 3},
		{"m 1", randomLabels(50, 5, 5), 1, 5, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			size := map[int]int{}
			for _, l := range c.labels {
				size[l]++
			}
			s, err := NewMPerClass(c.labels, c.m, c.k, 9)
			if err != nil {
				t.Fatal(err)
			}
			if s.BatchSize() != c.m*c.k {
				t.Fatal(s.BatchSize())
			}
			for epoch := range 3 {
				batches := s.Batches(epoch)
				seen := make([]bool, len(c.labels))
				for bi, b := range batches {
					if len(b) != c.m*c.k {
						t.Fatalf("batch %d has %d examples, want %d", bi, len(b), c.m*c.k)
					}
					classes := map[int]bool{}
					for g := range c.k {
						group := b[g*c.m : (g+1)*c.m]
						l := c.labels[group[0]]
						if classes[l] {
							t.Fatalf("batch %d: class %d twice", bi, l)
						}
						classes[l] = true
						for _, i := range group {
							seen[i] = true
							if c.labels[i] != l {
								t.Fatalf("batch %d group %d mixes classes", bi, g)
							}
						}
						if size[l] >= c.m {
							u := slices.Clone(group)
							slices.Sort(u)
							if len(slices.Compact(u)) != c.m {
								t.Fatalf("batch %d: class %d (size %d) repeats an example: %v", bi, l, size[l], group)
							}
						}
					}
				}
				// The epoch definition: every example at least once...
				for i, ok := range seen {
					if !ok {
						t.Fatalf("epoch %d misses example %d", epoch, i)
					}
				}
				// ...and it ends as soon as that holds: the last batch holds
				// an example not seen before it.
				before := make([]bool, len(c.labels))
				for _, b := range batches[:len(batches)-1] {
					for _, i := range b {
						before[i] = true
					}
				}
				if !slices.ContainsFunc(batches[len(batches)-1], func(i int) bool { return !before[i] }) {
					t.Fatalf("epoch %d: the last batch adds nothing new", epoch)
				}
			}
			if !slices.EqualFunc(s.Batches(1), s.Batches(1), slices.Equal) {
				t.Fatal("not deterministic")
			}
		})
	}
	for _, bad := range []struct{ m, k int }{{0, 1}, {1, 0}, {2, 3}} {
		if _, err := NewMPerClass([]int{0, 1, 1}, bad.m, bad.k, 0); err == nil {
			t.Errorf("m=%d k=%d: no error", bad.m, bad.k)
		}
	}
}

func TestBalancedPairs(t *testing.T) {
	labels := randomLabels(201, 5, 7)
	labels[200] = 99 // a class of one example
	s, err := NewBalancedPairs(labels, 8, 3)
	if err != nil {
		t.Fatal(err)
	}
	for epoch := range 2 {
		batches := s.Batches(epoch)
		anchors := make([]int, len(labels))
		t0 := 0
		for bi, b := range batches {
			if len(b)%2 != 0 || len(b) > 16 || (bi < len(batches)-1 && len(b) != 16) {
				t.Fatalf("batch %d has %d indices", bi, len(b))
			}
			pos := 0
			for p := 0; p < len(b); p += 2 {
				a, q := b[p], b[p+1]
				anchors[a]++
				same := labels[a] == labels[q]
				if same && a == q {
					t.Fatalf("positive pair of an example with itself: %d", a)
				}
				wantPos := t0%2 == 0 && labels[a] != 99
				if same != wantPos {
					t.Fatalf("pair %d (%d, %d): positive %v, want %v", t0, a, q, same, wantPos)
				}
				if same {
					pos++
				}
				t0++
			}
			hasSingleton := slices.ContainsFunc(b, func(i int) bool { return labels[i] == 99 })
			if len(b) == 16 && pos != 4 && !hasSingleton {
				t.Fatalf("batch %d: %d positive pairs of 8", bi, pos)
			}
		}
		for i, n := range anchors {
			if n != 1 {
				t.Fatalf("example %d is the anchor of %d pairs", i, n)
			}
		}
	}
	if _, err := NewBalancedPairs([]int{1, 1, 1}, 4, 0); err == nil {
		t.Error("one class: no error")
	}
}

func TestTriplets(t *testing.T) {
	labels := append(randomLabels(120, 4, 8), 42) // 42: a singleton, never an anchor
	s, err := NewTriplets(labels, 10, 5)
	if err != nil {
		t.Fatal(err)
	}
	batches := s.Batches(0)
	count := make([]int, len(labels))
	for _, b := range batches {
		if len(b)%3 != 0 || len(b) > 30 {
			t.Fatalf("batch of %d", len(b))
		}
		for k := 0; k < len(b); k += 3 {
			a, p, n := b[k], b[k+1], b[k+2]
			if labels[a] != labels[p] || a == p || labels[n] == labels[a] {
				t.Fatalf("bad triplet (%d, %d, %d) labels (%d, %d, %d)", a, p, n, labels[a], labels[p], labels[n])
			}
			count[a]++
		}
	}
	for i, c := range count {
		if want := map[bool]int{true: 0, false: 1}[labels[i] == 42]; c != want {
			t.Fatalf("example %d anchors %d triplets, want %d", i, c, want)
		}
	}
	if _, err := NewTriplets([]int{1, 2, 3}, 2, 0); err == nil {
		t.Error("no positive possible: no error")
	}
}

// TestNegativeUniform checks that negatives are uniform over the examples of
// other classes: each of the 8 candidates gets 7,500 of 60,000 draws within
// 5% (4.6 standard deviations).
func TestNegativeUniform(t *testing.T) {
	labels := []int{0, 0, 0, 0, 1, 1, 2, 2, 2, 2}
	ci := newClassIndex(labels)
	r := rand.New(rand.NewPCG(1, 2))
	hits := make([]int, len(labels))
	for range 60000 {
		hits[ci.negative(r, 4)]++ // anchor in class 1
	}
	for i, h := range hits {
		if labels[i] == 1 && h != 0 || labels[i] != 1 && (h < 7125 || h > 7875) {
			t.Fatalf("negative hits %v", hits)
		}
	}
}

func TestNoDuplicates(t *testing.T) {
	check := func(t *testing.T, p *ScoredPairs, batch int) {
		t.Helper()
		s, err := NewNoDuplicates(p, batch, 11)
		if err != nil {
			t.Fatal(err)
		}
		for epoch := range 2 {
			count := make([]int, p.Len())
			for bi, b := range s.Batches(epoch) {
				if len(b) == 0 || len(b) > batch {
					t.Fatalf("batch %d has %d pairs", bi, len(b))
				}
				seen := map[string]int{} // sentence -> pair that holds it
				for _, i := range b {
					count[i]++
					q := p.Pairs[i]
					for _, sent := range []string{q.A, q.B} {
						k := strings.ToLower(strings.TrimSpace(sent))
						if j, ok := seen[k]; ok && j != i {
							t.Fatalf("batch %d: %q in pairs %d and %d", bi, sent, j, i)
						}
						seen[k] = i
					}
				}
			}
			for i, c := range count {
				if c != 1 {
					t.Fatalf("epoch %d: pair %d appears %d times", epoch, i, c)
				}
			}
		}
	}
	t.Run("synthetic clashes", func(t *testing.T) {
		// "hub" occurs in 20 pairs, so at most one of them per batch; case
		// and spaces do not make a sentence different.
		var p ScoredPairs
		for i := range 20 {
			hub := "hub"
			if i%2 == 0 {
				hub = " HUB "
			}
			p.Pairs = append(p.Pairs, Pair{A: hub, B: fmt.Sprint("leaf ", i)})
		}
		for i := range 30 {
			p.Pairs = append(p.Pairs, Pair{A: fmt.Sprint("x", i%7), B: fmt.Sprint("y", i)})
		}
		p.Pairs = append(p.Pairs, Pair{A: "same", B: "same"})
		check(t, &p, 8)
		check(t, &p, 1)
	})
	t.Run("SICK sample", func(t *testing.T) {
		p, err := ReadSICK("testdata/sick_sample.txt")
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, 6)
	})
	t.Run("SICK train", func(t *testing.T) {
		p, err := ReadSICK(sharedData(t, "text/sick2014/SICK_train.txt"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, p, 64)
	})
	if _, err := NewNoDuplicates(&ScoredPairs{}, 0, 0); err == nil {
		t.Error("batch 0: no error")
	}
}

func TestStratifiedSplit(t *testing.T) {
	labels := randomLabels(1000, 10, 12)
	counts := map[int]int{}
	for _, l := range labels {
		counts[l]++
	}
	for _, frac := range []float64{0, 0.01, 0.1, 0.5, 1} {
		t.Run(fmt.Sprint(frac), func(t *testing.T) {
			pick, rest, err := StratifiedSplit(labels, frac, 3)
			if err != nil {
				t.Fatal(err)
			}
			if len(pick)+len(rest) != len(labels) || !slices.IsSorted(pick) || !slices.IsSorted(rest) {
				t.Fatalf("%d + %d", len(pick), len(rest))
			}
			got := map[int]int{}
			for _, i := range pick {
				got[labels[i]]++
			}
			for c, n := range counts {
				want := int(float64(n)*frac + 0.5)
				if frac > 0 && want == 0 {
					want = 1
				}
				if got[c] != want {
					t.Fatalf("class %d: picked %d of %d, want %d", c, got[c], n, want)
				}
			}
			again, _, _ := StratifiedSplit(labels, frac, 3)
			if !slices.Equal(pick, again) {
				t.Fatal("not deterministic")
			}
		})
	}
	a, _, _ := StratifiedSplit(labels, 0.1, 1)
	b, _, _ := StratifiedSplit(labels, 0.1, 2)
	if slices.Equal(a, b) {
		t.Fatal("seeds 1 and 2 pick the same examples")
	}
	for _, f := range []float64{-0.1, 1.5} {
		if _, _, err := StratifiedSplit(labels, f, 0); err == nil {
			t.Errorf("fraction %v: no error", f)
		}
	}
}

func TestImagesHelpers(t *testing.T) {
	im := &Images{N: 4, C: 2, H: 1, W: 2, Pix: []uint8{0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33}, Labels: []int{1, 0, 1, 0}, ClassNames: []string{"a", "b"}}
	if err := im.Validate(); err != nil {
		t.Fatal(err)
	}
	s := im.Subset([]int{3, 0, 3})
	if s.N != 3 || !slices.Equal(s.Pix[:4], []uint8{30, 31, 32, 33}) || !slices.Equal(s.Labels, []int{0, 1, 0}) {
		t.Fatalf("Subset: %+v", s)
	}
	h, tl := im.SplitAt(1)
	if h.N != 1 || tl.N != 3 || tl.Pix[0] != 10 || im.Head(10).N != 4 {
		t.Fatalf("SplitAt: %+v %+v", h, tl)
	}
	st, err := im.Stratified(0.5, 1)
	if err != nil || st.N != 2 || !slices.Equal(st.ClassCounts(), []int{1, 1}) {
		t.Fatalf("Stratified: %+v %v", st, err)
	}
	for _, bad := range []*Images{
		{N: 1, C: 1, H: 1, W: 1, Pix: []uint8{1, 2}, Labels: []int{0}, ClassNames: []string{"a"}},
		{N: 1, C: 1, H: 1, W: 1, Pix: []uint8{1}, Labels: []int{1}, ClassNames: []string{"a"}},
		{N: 1, C: 0, H: 1, W: 1},
	} {
		if bad.Validate() == nil {
			t.Errorf("Validate(%+v): no error", bad)
		}
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "data: Images.Example: dst length 3") {
			t.Fatalf("panic %v", r)
		}
	}()
	im.Example(0, make([]float32, 3))
}
