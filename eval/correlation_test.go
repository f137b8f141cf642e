package eval

import (
	"errors"
	"math"
	"testing"
)

// naiveRank: 1 + #smaller + (#equal-1)/2, by counting.
func naiveRank(x []float64) []float64 {
	r := make([]float64, len(x))
	for i := range x {
		less, eq := 0, 0
		for j := range x {
			if x[j] < x[i] {
				less++
			} else if x[j] == x[i] {
				eq++
			}
		}
		r[i] = 1 + float64(less) + float64(eq-1)/2
	}
	return r
}

// naivePearson uses the raw-moment form n Σxy - Σx Σy over the root of the
// product of n Σx² - (Σx)² terms.
func naivePearson(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy, sxy, sxx, syy float64
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxy += x[i] * y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
	}
	return (n*sxy - sx*sy) / math.Sqrt((n*sxx-sx*sx)*(n*syy-sy*sy))
}

func TestCorrelationAgainstNaive(t *testing.T) {
	rng := newRNG(6)
	for _, tc := range []struct {
		name     string
		n        int
		distinct int // 0: continuous values
	}{{"continuous", 200, 0}, {"ties", 300, 7}, {"two", 2, 0}, {"heavy-ties", 50, 2}} {
		t.Run(tc.name, func(t *testing.T) {
			x := make([]float64, tc.n)
			y := make([]float64, tc.n)
			for i := range x {
				if tc.distinct > 0 {
					x[i] = float64(rng.IntN(tc.distinct))
					y[i] = float64(rng.IntN(tc.distinct)) + x[i]
				} else {
					x[i] = rng.NormFloat64()
					y[i] = x[i] + rng.NormFloat64()
				}
			}
			p, err := Pearson(x, y)
			if err != nil || !near(p, naivePearson(x, y), 1e-10) {
				t.Fatalf("Pearson = %v, %v; naive %v", p, err, naivePearson(x, y))
			}
			s, err := Spearman(x, y)
			want := naivePearson(naiveRank(x), naiveRank(y))
			if err != nil || !near(s, want, 1e-10) {
				t.Fatalf("Spearman = %v, %v; naive %v", s, err, want)
			}
			r := AverageRanks(x)
			for i, v := range naiveRank(x) {
				if r[i] != v {
					t.Fatalf("rank[%d] = %v, want %v", i, r[i], v)
				}
			}
		})
	}
}

func TestCorrelationHandComputed(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(x, y []float64) (float64, error)
		x, y []float64
		want float64
	}{
		// dx = (-1,0,1), dy = (-1,1,0): 1 / sqrt(2*2).
		{"pearson", Pearson, []float64{1, 2, 3}, []float64{1, 3, 2}, 0.5},
		{"pearson-perfect-negative", Pearson, []float64{1, 2, 3}, []float64{-2, -4, -6}, -1},
		// y ranks (1, 2, 3.5, 5, 3.5): 8 / sqrt(10 * 9.5) (scipy: 0.8207826816681233).
		{"spearman-ties", Spearman, []float64{1, 2, 3, 4, 5}, []float64{5, 6, 7, 8, 7}, 8 / math.Sqrt(95)},
		{"spearman-monotone", Spearman, []float64{1, 2, 3, 4}, []float64{1, 10, 100, 1000}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f(tc.x, tc.y)
			if err != nil || !near(got, tc.want, 1e-12) {
				t.Fatalf("got %v %v, want %v", got, err, tc.want)
			}
		})
	}
}

func TestCorrelationErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		x, y []float64
		err  error
	}{
		{"empty", nil, nil, ErrEmpty},
		{"one", []float64{1}, []float64{2}, ErrEmpty},
		{"length", []float64{1, 2}, []float64{1}, ErrShape},
		{"constant", []float64{1, 1, 1}, []float64{1, 2, 3}, ErrUndefined},
		{"nan", []float64{1, math.NaN()}, []float64{1, 2}, ErrNonFinite},
		{"inf-y", []float64{1, 2}, []float64{1, math.Inf(1)}, ErrNonFinite},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range []func(x, y []float64) (float64, error){Pearson, Spearman} {
				if _, err := f(tc.x, tc.y); !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
			}
		})
	}
}
