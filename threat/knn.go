package threat

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// knnBudget bounds the float32 distances one chunk of queries holds (32 MiB).
const knnBudget = 1 << 23

// KthNNDistance returns, for every row of query (nq, d), the Euclidean
// distance to its k-th nearest row of ref (nr, d): the anomaly score of
// distance-based novelty detection (Ramaswamy, Rastogi & Shim 2000, "Efficient
// algorithms for mining outliers from large data sets", SIGMOD), with ref the
// normal training records. Squared distances come from one Sgemm per chunk of
// queries, |q|² + |r|² - 2 q·r, clamped at 0. k larger than nr means nr.
// It panics when the shapes do not match (callers build them).
func KthNNDistance(query []float32, nq int, ref []float32, nr, d, k int) []float64 {
	if len(query) != nq*d || len(ref) != nr*d || nr < 1 || k < 1 {
		panic(fmt.Sprintf("threat: KthNNDistance: query %d values for (%d, %d), ref %d values for (%d, %d), k %d",
			len(query), nq, d, len(ref), nr, d, k))
	}
	return kthNN(query, nq, ref, nr, d, k, false)
}

// LeaveOneOutKthNN returns, for every row of x (n, d), the Euclidean
// distance to its k-th nearest other row of x: KthNNDistance of x against
// itself with each row's own entry left out (by position, not by distance, so
// float rounding of the zero self-distance cannot count it). k larger than
// n-1 means n-1. It panics when the shape does not match or n < 2.
func LeaveOneOutKthNN(x []float32, n, d, k int) []float64 {
	if len(x) != n*d || n < 2 || k < 1 {
		panic(fmt.Sprintf("threat: LeaveOneOutKthNN: %d values for (%d, %d), k %d", len(x), n, d, k))
	}
	return kthNN(x, n, x, n, d, k, true)
}

// kthNN is KthNNDistance; with self, query is ref and query row i skips
// ref row i.
func kthNN(query []float32, nq int, ref []float32, nr, d, k int, self bool) []float64 {
	k = min(k, nr)
	if self {
		k = min(k, nr-1)
	}
	rsq := make([]float32, nr)
	for i := range nr {
		rsq[i] = sqNorm(ref[i*d : (i+1)*d])
	}
	out := make([]float64, nq)
	chunk := max(1, min(nq, knnBudget/nr))
	buf := make([]float32, chunk*nr)
	for q0 := 0; q0 < nq; q0 += chunk {
		q1 := min(nq, q0+chunk)
		m := q1 - q0
		kernels.Sgemm(false, true, m, nr, d, -2, query[q0*d:], d, ref, d, 0, buf, nr)
		kernels.Parallel(m, 8, func(lo, hi int) {
			best := make([]float32, 0, k)
			for i := lo; i < hi; i++ {
				qs := sqNorm(query[(q0+i)*d : (q0+i+1)*d])
				row := buf[i*nr : (i+1)*nr]
				best = best[:0]
				for j, v := range row {
					if self && j == q0+i {
						continue
					}
					s := max(0, qs+rsq[j]+v)
					best = insertSmallest(best, k, s)
				}
				out[q0+i] = math.Sqrt(float64(best[k-1]))
			}
		})
	}
	return out
}

// insertSmallest keeps best as the (at most k) smallest values seen, in
// ascending order.
func insertSmallest(best []float32, k int, v float32) []float32 {
	n := len(best)
	if n == k {
		if v >= best[n-1] {
			return best
		}
		n--
	} else {
		best = best[:n+1]
	}
	i := n
	for i > 0 && best[i-1] > v {
		best[i] = best[i-1]
		i--
	}
	best[i] = v
	return best
}

func sqNorm(x []float32) float32 {
	var s float32
	for _, v := range x {
		s += v * v
	}
	return s
}

// normalizeRows scales every row of x (n, d) to unit L2 norm in place (zero
// rows stay zero).
func normalizeRows(x []float32, d int) {
	for i := 0; i+d <= len(x); i += d {
		row := x[i : i+d]
		s := math.Sqrt(float64(sqNorm(row)))
		if s == 0 {
			continue
		}
		inv := float32(1 / s)
		for j := range row {
			row[j] *= inv
		}
	}
}
