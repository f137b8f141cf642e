package eval

import (
	"math"
	"math/rand/v2"
	"sort"
)

// Independent oracles and test data shared by the tests in this package.
// Everything here is plain float64 loops over [][]float64, written without
// reference to the package code.

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x5eed)) }

// clustered returns n rows of dim d around c class centres (spread sets how
// far apart the centres are) and their labels.
func clustered(rng *rand.Rand, n, d, c int, spread float64) (Matrix, []int) {
	centres := make([][]float64, c)
	for k := range centres {
		centres[k] = make([]float64, d)
		for j := range centres[k] {
			centres[k][j] = spread * rng.NormFloat64()
		}
	}
	m := Matrix{Rows: n, Cols: d, Data: make([]float32, n*d)}
	labels := make([]int, n)
	for i := range n {
		labels[i] = rng.IntN(c)
		for j := range d {
			m.Data[i*d+j] = float32(centres[labels[i]][j] + rng.NormFloat64())
		}
	}
	return m, labels
}

// signMatrix returns rows of ±1 with d a power of 4, so that the normalised
// entries ±1/sqrt(d) and all their dot products are exact in float32: scores
// are exact and many tie exactly, which pins the tie-breaking rule.
func signMatrix(rng *rand.Rand, n, d int) Matrix {
	m := Matrix{Rows: n, Cols: d, Data: make([]float32, n*d)}
	for i := range m.Data {
		m.Data[i] = float32(2*rng.IntN(2) - 1)
	}
	return m
}

// gridSphere returns n clustered rows of dim 8 with integer entries and
// squared norm exactly 64, and their labels in [0, c). Normalising such a row
// divides by 8 exactly, so every cosine, inner product and squared distance is
// exact in float32 and float64 alike: any ranking difference from the naive
// version is a bug, not rounding. Integer scores also tie often, which pins
// the tie-breaking rule.
func gridSphere(rng *rand.Rand, n, c, noise int) (Matrix, []int) {
	const d = 8
	draw := func(centre []int, spread int) []int {
		for {
			v := make([]int, d)
			ss := 0
			for j := range v {
				v[j] = centre[j] + rng.IntN(2*spread+1) - spread
				ss += v[j] * v[j]
			}
			if ss == 64 {
				return v
			}
		}
	}
	zero := make([]int, d)
	centres := make([][]int, c)
	for k := range centres {
		centres[k] = draw(zero, 8)
	}
	m := Matrix{Rows: n, Cols: d, Data: make([]float32, n*d)}
	labels := make([]int, n)
	for i := range n {
		labels[i] = rng.IntN(c)
		for j, v := range draw(centres[labels[i]], noise) {
			m.Data[i*d+j] = float32(v)
		}
	}
	return m, labels
}

func rows64(m Matrix) [][]float64 {
	out := make([][]float64, m.Rows)
	for i := range out {
		out[i] = make([]float64, m.Cols)
		for j := range out[i] {
			out[i][j] = float64(m.Data[i*m.Cols+j])
		}
	}
	return out
}

func naiveScore(sim Similarity, a, b []float64) float64 {
	var dot, na, nb, sq float64
	for j := range a {
		dot += a[j] * b[j]
		na += a[j] * a[j]
		nb += b[j] * b[j]
		sq += (a[j] - b[j]) * (a[j] - b[j])
	}
	switch sim {
	case Cosine:
		if na == 0 || nb == 0 {
			return 0
		}
		return dot / math.Sqrt(na*nb)
	case InnerProduct:
		return dot
	default:
		return -sq
	}
}

// naiveRanking returns every reference index except skip, best first
// (descending score, ascending index on ties), with the scores.
func naiveRanking(sim Similarity, q []float64, refs [][]float64, skip int) ([]int, []float64) {
	scores := make([]float64, len(refs))
	var idx []int
	for j, r := range refs {
		scores[j] = naiveScore(sim, q, r)
		if j != skip {
			idx = append(idx, j)
		}
	}
	sort.SliceStable(idx, func(a, b int) bool { return scores[idx[a]] > scores[idx[b]] })
	return idx, scores
}

func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*(1+math.Abs(b))
}
