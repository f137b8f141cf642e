package miner

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func mustDW(t *testing.T, dim int, seed uint64) *DistanceWeighted {
	t.Helper()
	m, err := NewDistanceWeighted(dim, 0.5, 1.4, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// dwOracle gives the sampling probabilities of anchor 0's candidates at
// distances ds (all negatives): q(d)⁻¹ straight from the paper's formula with
// math.Pow, d clipped below at cut, zero at d >= far.
func dwOracle(dim int, cut, far float64, ds []float64) []float64 {
	n := float64(dim)
	p := make([]float64, len(ds))
	s := 0.0
	for i, d := range ds {
		if d >= far {
			continue
		}
		d = math.Max(d, cut)
		q := math.Pow(d, n-2) * math.Pow(1-d*d/4, (n-3)/2)
		p[i] = 1 / q
		s += p[i]
	}
	for i := range p {
		p[i] /= s
	}
	return p
}

// fixedTable has two positives (0 and 1, label 0) and negatives 2.. at
// distances ds from both, each in a class of its own, so only the pairs
// (0,1) and (1,0) yield triplets. With sim the entries are cosines 1 - d²/2.
func fixedTable(ds []float64, sim bool) (*tensor.Tensor, []int) {
	n := len(ds) + 2
	tab := tensor.New(n, n)
	labels := make([]int, n)
	val := func(d float64) float32 {
		if sim {
			return float32(1 - d*d/2)
		}
		return float32(d)
	}
	for i := range n {
		tab.Set(val(0), i, i)
	}
	tab.Set(val(0.7), 0, 1)
	tab.Set(val(0.7), 1, 0)
	for j, d := range ds {
		labels[j+2] = j + 1
		for _, a := range []int{0, 1} {
			tab.Set(val(d), a, j+2)
			tab.Set(val(d), j+2, a)
		}
		for k := range ds {
			if k != j {
				tab.Set(val(1), j+2, k+2)
			}
		}
	}
	return tab, labels
}

// dsFor moves a distance of exactly 1.4 (the nonzero-loss cutoff, excluded)
// to 1.45 for similarity tables: 1.4 does not survive the round trip through a
// float32 cosine and may land just below the cutoff.
func dsFor(ds []float64, sim bool) []float64 {
	out := slices.Clone(ds)
	for i, d := range out {
		if sim && d == 1.4 {
			out[i] = 1.45
		}
	}
	return out
}

func TestDistanceWeightedProbabilities(t *testing.T) {
	// 0.2 and 0.5 are clipped to the same weight; 1.4 and 1.9 are excluded.
	base := []float64{0.2, 0.5, 0.75, 1.0, 1.2, 1.39, 1.4, 1.9}
	for _, dim := range []int{2, 3, 4, 8, 32, 128} {
		for _, sim := range []bool{false, true} {
			t.Run(fmt.Sprintf("dim=%d/sim=%v", dim, sim), func(t *testing.T) {
				ds := dsFor(base, sim)
				m := mustDW(t, dim, 1)
				tab, labels := fixedTable(ds, sim)
				n := len(labels)
				idx, w := m.weights(tab.Raw()[:n], sim, labels, 0, nil, nil)
				// The oracle sees the float32 distances that the table holds.
				ds32 := make([]float64, len(ds))
				for i, d := range ds {
					ds32[i] = float64(float32(d))
				}
				want := dwOracle(dim, 0.5, float64(float32(1.4)), ds32)
				got := make([]float64, len(ds))
				sum := 0.0
				for _, v := range w {
					sum += v
				}
				for i, j := range idx {
					got[j-2] = w[i] / sum
				}
				tol := 1e-12 * float64(dim)
				if sim {
					tol = 1e-5 * float64(dim) // the float32 cosine moves d by ~1e-7
				}
				for i := range ds {
					if math.Abs(got[i]-want[i]) > tol*math.Max(want[i], 1e-300) || (want[i] == 0) != (got[i] == 0) {
						t.Errorf("d=%v: probability %v, want %v", ds[i], got[i], want[i])
					}
				}
			})
		}
	}
}

func TestDistanceWeightedLargeDim(t *testing.T) {
	// q(d)⁻¹ reaches 0.5⁻²⁰⁴⁶ here: weights must stay finite, positive and
	// non-increasing in d (q rises on (0, √2) for every dim).
	ds := []float64{0.1, 0.5, 0.6, 0.9, 1.1, 1.3, 1.39}
	tab, labels := fixedTable(ds, false)
	m := mustDW(t, 2048, 1)
	idx, w := m.weights(tab.Raw()[:len(labels)], false, labels, 0, nil, nil)
	if len(idx) != len(ds) {
		t.Fatalf("%d candidates, want %d", len(idx), len(ds))
	}
	last := math.Inf(1)
	for i, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > last {
			t.Errorf("weight %d (d=%v) = %v after %v", i, ds[i], v, last)
		}
		last = v
	}
	if w[0] != 1 || w[1] != 1 || !(w[2] > 0) {
		t.Errorf("want weights 1, 1 (both clipped to 0.5) and a positive one at 0.6, got %v", w[:3])
	}
}

// chiSquare999 holds the 0.999 quantiles of the chi-square law by degrees of
// freedom, so a correct sampler fails the check for one seed in a thousand.
var chiSquare999 = map[int]float64{3: 16.266, 4: 18.467, 5: 20.515, 6: 22.458}

func TestDistanceWeightedFrequencies(t *testing.T) {
	base := []float64{0.3, 0.5, 0.8, 1.0, 1.2, 1.35, 1.4, 1.7}
	const calls = 3000 // two samples each
	for _, dim := range []int{4, 8} {
		for _, sim := range []bool{false, true} {
			t.Run(fmt.Sprintf("dim=%d/sim=%v", dim, sim), func(t *testing.T) {
				ds := dsFor(base, sim)
				tab, labels := fixedTable(ds, sim)
				m := mustDW(t, dim, 7)
				counts := make([]int, len(ds))
				for range calls {
					tr := m.MineTriplets(tab, sim, labels)
					if tr.Len() != 2 {
						t.Fatalf("%d triplets, want 2", tr.Len())
					}
					for i := range tr.Len() {
						counts[tr.Negative[i]-2]++
					}
				}
				want := dwOracle(dim, 0.5, 1.4, ds)
				chi, df := 0.0, -1
				for i, p := range want {
					e := p * 2 * calls
					if p == 0 {
						if counts[i] != 0 {
							t.Errorf("excluded negative at d=%v sampled %d times", ds[i], counts[i])
						}
						continue
					}
					if e < 5 {
						t.Fatalf("expected count %v at d=%v is too small for the test", e, ds[i])
					}
					chi += (float64(counts[i]) - e) * (float64(counts[i]) - e) / e
					df++
				}
				if chi > chiSquare999[df] {
					t.Errorf("chi-square %.2f > %.2f (df %d): counts %v, probabilities %v", chi, chiSquare999[df], df, counts, want)
				}
			})
		}
	}
}

// dwDist is the Euclidean distance the miner sees for a table entry.
func dwDist(v float32, sim bool) float64 {
	if sim {
		return math.Sqrt(math.Max(2-2*float64(v), 0))
	}
	return float64(v)
}

func TestDistanceWeightedRandomTables(t *testing.T) {
	for _, sim := range []bool{false, true} {
		for seed := uint64(20); seed < 24; seed++ {
			t.Run(fmt.Sprintf("sim=%v/seed=%d", sim, seed), func(t *testing.T) {
				d, labels := randTable(seed, 24)
				m := mustDW(t, 16, seed)
				// Oracle: every positive pair whose anchor has a negative closer
				// than 1.4 gets exactly one triplet, in order of anchor, positive.
				var want pairList
				for a := range labels {
					ok := false
					for q := range labels {
						if labels[q] != labels[a] && dwDist(d.At(a, q), sim) < 1.4 {
							ok = true
						}
					}
					for p := range labels {
						if ok && p != a && labels[p] == labels[a] {
							want = append(want, [2]int{a, p})
						}
					}
				}
				for range 5 {
					tr := m.MineTriplets(d, sim, labels)
					if got := zipPairs(tr.Anchor, tr.Positive); !slices.Equal(got, want) {
						t.Fatalf("pairs\n got %v\nwant %v", got, want)
					}
					for i := range tr.Len() {
						a, n := tr.Anchor[i], tr.Negative[i]
						if labels[n] == labels[a] {
							t.Errorf("triplet %d: negative %d shares anchor %d's label", i, n, a)
						}
						if dd := dwDist(d.At(a, n), sim); dd >= 1.4 {
							t.Errorf("triplet %d: negative at distance %v >= 1.4", i, dd)
						}
					}
				}
				if len(want) == 0 {
					t.Fatal("no positive pairs: the test proves nothing")
				}
			})
		}
	}
}

func TestDistanceWeightedDeterminism(t *testing.T) {
	d, labels := randTable(30, 32)
	m1, m2, other := mustDW(t, 8, 42), mustDW(t, 8, 42), mustDW(t, 8, 43)
	var first Triplets
	for call := range 3 {
		a, b := m1.MineTriplets(d, false, labels), m2.MineTriplets(d, false, labels)
		if !slices.Equal(a.Negative, b.Negative) || !slices.Equal(a.Anchor, b.Anchor) {
			t.Fatalf("call %d: same seed, different triplets", call)
		}
		if call == 0 {
			first = a
		} else if slices.Equal(a.Negative, first.Negative) {
			t.Errorf("call %d repeated the negatives of call 0", call)
		}
	}
	if c := other.MineTriplets(d, false, labels); slices.Equal(c.Negative, first.Negative) {
		t.Error("seeds 42 and 43 sampled the same negatives")
	}
}

func TestNewDistanceWeighted(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []struct {
		dim      int
		cut, far float32
		ok       bool
	}{
		{128, 0.5, 1.4, true},
		{2, 0.1, 1.99, true},
		{1, 0.5, 1.4, false},
		{0, 0.5, 1.4, false},
		{128, 0, 1.4, false},
		{128, 1.4, 1.4, false},
		{128, 0.5, 2, false},
		{128, nan, 1.4, false},
		{128, 0.5, nan, false},
	} {
		t.Run(fmt.Sprint(c.dim, c.cut, c.far), func(t *testing.T) {
			m, err := NewDistanceWeighted(c.dim, c.cut, c.far, 3)
			if (err == nil) != c.ok {
				t.Fatalf("error %v, want ok=%v", err, c.ok)
			}
			if c.ok && (m.Dim != c.dim || m.Cutoff != c.cut || m.NonzeroLossCutoff != c.far || m.Seed != 3) {
				t.Errorf("fields %+v", m)
			}
		})
	}
	want := "distance-weighted(dim=128, cutoff=0.5, nonzero-loss-cutoff=1.4, seed=9)"
	if s := mustDW(t, 128, 9).String(); s != want {
		t.Errorf("String() = %q, want %q", s, want)
	}
}

func TestDistanceWeightedPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"shape", func() { mustDW(t, 8, 1).MineTriplets(tensor.New(3, 3), false, []int{0, 1}) }},
		{"bad field", func() { (&DistanceWeighted{Dim: 8}).MineTriplets(tensor.New(2, 2), false, []int{0, 1}) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil {
					t.Error("no panic")
				}
			}()
			c.f()
		})
	}
}

var _ TripletMiner = (*DistanceWeighted)(nil)
