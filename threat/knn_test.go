package threat

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// naiveKth is the oracle: every distance in float64, sorted.
func naiveKth(q, r []float32, nq, nr, d, k int) []float64 {
	out := make([]float64, nq)
	for i := range nq {
		ds := make([]float64, nr)
		for j := range nr {
			var s float64
			for c := range d {
				v := float64(q[i*d+c]) - float64(r[j*d+c])
				s += v * v
			}
			ds[j] = math.Sqrt(s)
		}
		slices.Sort(ds)
		out[i] = ds[min(k, nr)-1]
	}
	return out
}

func TestKthNNDistance(t *testing.T) {
	for _, c := range []struct{ nq, nr, d, k int }{
		{1, 1, 1, 1}, {7, 5, 3, 2}, {50, 300, 16, 5}, {20, 10, 4, 30}, {300, 2000, 8, 1},
	} {
		rng := rand.New(rand.NewPCG(uint64(c.nq*c.nr), 1))
		q, r := make([]float32, c.nq*c.d), make([]float32, c.nr*c.d)
		for i := range q {
			q[i] = float32(rng.NormFloat64())
		}
		for i := range r {
			r[i] = float32(rng.NormFloat64())
		}
		got := KthNNDistance(q, c.nq, r, c.nr, c.d, c.k)
		want := naiveKth(q, r, c.nq, c.nr, c.d, c.k)
		for i := range got {
			if math.Abs(got[i]-want[i]) > 1e-3*(1+want[i]) {
				t.Errorf("%+v: query %d: %v, naive %v", c, i, got[i], want[i])
				break
			}
		}
	}
}

// TestLeaveOneOutKthNN checks each row's distance to its k-th nearest other
// row against the naive oracle run on the other rows alone, including k past
// the n-1 others, and rows with an exact duplicate (their k = 1 distance is 0).
func TestLeaveOneOutKthNN(t *testing.T) {
	for _, c := range []struct{ n, d, k int }{{2, 3, 1}, {7, 3, 2}, {300, 16, 5}, {10, 4, 30}, {400, 8, 1}} {
		rng := rand.New(rand.NewPCG(uint64(c.n*c.d), 2))
		x := make([]float32, c.n*c.d)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 10)
		}
		copy(x[(c.n-1)*c.d:], x[:c.d]) // the last row duplicates the first
		got := LeaveOneOutKthNN(x, c.n, c.d, c.k)
		for i := range c.n {
			others := slices.Concat(x[:i*c.d], x[(i+1)*c.d:])
			want := naiveKth(x[i*c.d:(i+1)*c.d], others, 1, c.n-1, c.d, c.k)[0]
			if math.Abs(got[i]-want) > 1e-3*(1+want) {
				t.Fatalf("%+v: row %d: %v, naive %v", c, i, got[i], want)
			}
		}
		if c.k == 1 && (got[0] != 0 || got[c.n-1] != 0) {
			t.Errorf("%+v: duplicated rows at %v and %v from their nearest other row, want 0", c, got[0], got[c.n-1])
		}
	}
}

func TestKthNNDistanceDuplicates(t *testing.T) {
	// A query equal to two reference rows: 1st and 2nd neighbours at 0, 3rd at 5.
	r := []float32{1, 1, 1, 1, 4, 5}
	got := KthNNDistance([]float32{1, 1}, 1, r, 3, 2, 3)
	if math.Abs(got[0]-5) > 1e-5 {
		t.Errorf("3rd neighbour at %v, want 5", got[0])
	}
	if got := KthNNDistance([]float32{1, 1}, 1, r, 3, 2, 2); got[0] != 0 {
		t.Errorf("2nd neighbour at %v, want 0", got[0])
	}
}

func TestUpperQuantile(t *testing.T) {
	s := []float64{5, 1, 4, 2, 3, 9, 8, 7, 6, 10} // 1..10
	for _, c := range []struct {
		fpr  float64
		want float64
	}{{0.1, 9}, {0.2, 8}, {0.05, 10}, {0.5, 5}, {0.99, 1}} {
		th := upperQuantile(s, c.fpr)
		above := 0
		for _, v := range s {
			if v > th {
				above++
			}
		}
		if th != c.want || float64(above) > c.fpr*float64(len(s)) {
			t.Errorf("fpr %v: threshold %v (%d above), want %v", c.fpr, th, above, c.want)
		}
	}
}
