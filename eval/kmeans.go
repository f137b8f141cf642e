package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// KMeansConfig configures KMeans.
type KMeansConfig struct {
	// K is the number of clusters, 1 <= K <= rows. Required.
	K int
	// MaxIter bounds Lloyd iterations per run; 0 means 300.
	MaxIter int
	// Tol stops a run when the summed squared centroid shift falls below
	// Tol × (mean per-feature variance of x), as scikit-learn; 0 means 1e-4.
	// A run also stops as soon as no assignment changes.
	Tol float64
	// Restarts is the number of seeded runs, the lowest inertia kept; 0 means 1.
	Restarts int
	// Seed drives k-means++ sampling.
	Seed uint64
}

// KMeansResult is a k-means clustering of n points in d dimensions.
type KMeansResult struct {
	Assignments []int   // cluster of every point, (n,), in [0, K)
	Centroids   Matrix  // (K, d)
	Inertia     float64 // Σ squared distance of each point to its centroid
	Iterations  int     // Lloyd iterations of the kept run
}

// KMeans clusters the rows of x (n, d) with Lloyd's algorithm from k-means++
// seeds (Arthur & Vassilvitskii 2007, "k-means++: The Advantages of Careful
// Seeding"; greedy variant with 2+ln K candidates per centre, as scikit-learn).
// Point-centroid distances come from Sgemm in chunks, in parallel. A cluster
// that empties is re-seeded with the point farthest from its centroid.
// The result is deterministic for a given Seed.
func KMeans(x Matrix, cfg KMeansConfig) (KMeansResult, error) {
	const op = "kmeans"
	if err := x.checkNonEmpty(op, "x", 1); err != nil {
		return KMeansResult{}, err
	}
	if cfg.MaxIter == 0 {
		cfg.MaxIter = 300
	}
	if cfg.Tol == 0 {
		cfg.Tol = 1e-4
	}
	if cfg.Restarts == 0 {
		cfg.Restarts = 1
	}
	if cfg.K < 1 || cfg.K > x.Rows || cfg.MaxIter < 1 || cfg.Restarts < 1 || !(cfg.Tol > 0) {
		return KMeansResult{}, fmt.Errorf("eval: kmeans: K=%d for %d points, MaxIter=%d, Restarts=%d, Tol=%g: %w",
			cfg.K, x.Rows, cfg.MaxIter, cfg.Restarts, cfg.Tol, ErrConfig)
	}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0x6b6d65616e73))
	tol := cfg.Tol * meanFeatureVariance(x)
	xsq := rowSqNorms(x.Data, x.Rows, x.Cols)
	var best KMeansResult
	for r := 0; r < cfg.Restarts; r++ {
		res := lloyd(x, xsq, kmeansPlusPlus(x, xsq, cfg.K, rng), cfg.MaxIter, tol)
		if r == 0 || res.Inertia < best.Inertia {
			best = res
		}
	}
	return best, nil
}

func meanFeatureVariance(x Matrix) float64 {
	var total float64
	for j := 0; j < x.Cols; j++ {
		var s, ss float64
		for i := 0; i < x.Rows; i++ {
			v := float64(x.Data[i*x.Cols+j])
			s += v
			ss += v * v
		}
		m := s / float64(x.Rows)
		total += max(0, ss/float64(x.Rows)-m*m)
	}
	return total / float64(x.Cols)
}

// nearest assigns every row of x to its closest centre (ties to the lower
// index) and returns the squared distances; centres is (k, d).
func nearest(x Matrix, xsq []float32, centres []float32, k int, assign []int, dist []float64) {
	sc := newScorer(Euclidean, Matrix{Rows: k, Cols: x.Cols, Data: centres})
	sc.scan(x.Data, x.Rows, sc.chunkRows(x.Rows, 0), func(lo, hi int, rows []float32) {
		for i := lo; i < hi; i++ {
			s := rows[(i-lo)*k : (i-lo+1)*k] // 2<x,c> - |c|²
			b := 0
			for c, v := range s {
				if v > s[b] {
					b = c
				}
			}
			assign[i] = b
			dist[i] = max(0, float64(xsq[i])-float64(s[b]))
		}
	})
}

// kmeansPlusPlus returns k initial centres, (k, d), chosen by D² sampling with
// 2+ln k greedy candidates per centre.
func kmeansPlusPlus(x Matrix, xsq []float32, k int, rng *rand.Rand) []float32 {
	n, d := x.Rows, x.Cols
	centres := make([]float32, 0, k*d)
	first := rng.IntN(n)
	centres = append(centres, x.Row(first)...)
	closest := make([]float64, n)
	tmp := make([]int, n)
	nearest(x, xsq, centres, 1, tmp, closest)
	trials := 2 + int(math.Log(float64(k)))
	cand := make([]int, trials)
	candDist := make([]float64, trials*n)
	cum := make([]float64, n)
	for c := 1; c < k; c++ {
		var total float64
		for i, v := range closest {
			total += v
			cum[i] = total
		}
		for t := range cand {
			if total == 0 { // every point sits on a centre: any point will do
				cand[t] = rng.IntN(n)
				continue
			}
			cand[t] = min(n-1, sort.SearchFloat64s(cum, rng.Float64()*total))
		}
		cd := make([]float32, 0, trials*d)
		for _, i := range cand {
			cd = append(cd, x.Row(i)...)
		}
		sc := newScorer(Euclidean, Matrix{Rows: trials, Cols: d, Data: cd})
		sc.scan(x.Data, n, sc.chunkRows(n, 0), func(lo, hi int, rows []float32) {
			for i := lo; i < hi; i++ {
				for t := range trials {
					dd := max(0, float64(xsq[i])-float64(rows[(i-lo)*trials+t]))
					candDist[t*n+i] = min(closest[i], dd)
				}
			}
		})
		bestT, bestPot := 0, math.Inf(1)
		for t := range trials {
			var pot float64
			for _, v := range candDist[t*n : (t+1)*n] {
				pot += v
			}
			if pot < bestPot {
				bestT, bestPot = t, pot
			}
		}
		copy(closest, candDist[bestT*n:(bestT+1)*n])
		centres = append(centres, x.Row(cand[bestT])...)
	}
	return centres
}

// lloyd runs Lloyd iterations from the given centres.
func lloyd(x Matrix, xsq []float32, centres []float32, maxIter int, tol float64) KMeansResult {
	n, d := x.Rows, x.Cols
	k := len(centres) / d
	assign := make([]int, n)
	prev := make([]int, n)
	dist := make([]float64, n)
	sums := make([]float64, k*d)
	counts := make([]int, k)
	iter := 0
	for iter < maxIter {
		iter++
		nearest(x, xsq, centres, k, assign, dist)
		if iter > 1 && equalAssign(assign, prev) {
			break
		}
		copy(prev, assign)
		clear(sums)
		clear(counts)
		for i, c := range assign {
			counts[c]++
			row := x.Row(i)
			s := sums[c*d : (c+1)*d]
			for j, v := range row {
				s[j] += float64(v)
			}
		}
		reseedEmpty(x, counts, sums, dist, assign)
		var shift float64
		for c := range k {
			for j := range d {
				v := float32(sums[c*d+j] / float64(counts[c]))
				delta := float64(v - centres[c*d+j])
				shift += delta * delta
				centres[c*d+j] = v
			}
		}
		if shift <= tol {
			break
		}
	}
	// Final assignment step, so that Assignments and Inertia match Centroids.
	nearest(x, xsq, centres, k, assign, dist)
	// Inertia from direct differences: the expanded |x|² - 2<x,c> + |c|² used
	// for ranking cancels badly when a point sits on its centroid.
	var inertia float64
	for i, c := range assign {
		cen := centres[c*d : (c+1)*d]
		var ss float64
		for j, v := range x.Row(i) {
			dv := float64(v) - float64(cen[j])
			ss += dv * dv
		}
		inertia += ss
	}
	return KMeansResult{
		Assignments: assign,
		Centroids:   Matrix{Rows: k, Cols: d, Data: centres},
		Inertia:     inertia,
		Iterations:  iter,
	}
}

// reseedEmpty gives every empty cluster the point currently farthest from its
// centre (taking it out of its old cluster's sums), farthest first.
func reseedEmpty(x Matrix, counts []int, sums, dist []float64, assign []int) {
	d := x.Cols
	var order []int
	for c, cnt := range counts {
		if cnt > 0 {
			continue
		}
		if order == nil {
			order = make([]int, len(dist))
			for i := range order {
				order[i] = i
			}
			sort.SliceStable(order, func(a, b int) bool { return dist[order[a]] > dist[order[b]] })
		}
		for len(order) > 0 {
			i := order[0]
			order = order[1:]
			old := assign[i]
			if counts[old] <= 1 {
				continue // would empty another cluster
			}
			counts[old]--
			for j, v := range x.Row(i) {
				sums[old*d+j] -= float64(v)
				sums[c*d+j] = float64(v)
			}
			counts[c] = 1
			assign[i] = c
			dist[i] = 0
			break
		}
	}
}

func equalAssign(a, b []int) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
