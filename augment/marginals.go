package augment

import (
	"fmt"
	"math/rand/v2"
)

// Marginals holds the empirical marginal distribution of every feature of a
// training matrix: its columns, from which [SCARF] draws replacement values.
type Marginals struct {
	n, d int
	cols []float32 // (d, n): column j is cols[j*n : (j+1)*n]
}

// FitMarginals stores the columns of the (n, d) row-major matrix x.
func FitMarginals(x []float32, n, d int) (*Marginals, error) {
	if n < 1 || d < 1 || len(x) != n*d {
		return nil, fmt.Errorf("augment: FitMarginals: matrix of %d values is not (%d, %d) with n, d >= 1", len(x), n, d)
	}
	m := &Marginals{n: n, d: d, cols: make([]float32, n*d)}
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			m.cols[j*n+i] = x[i*d+j]
		}
	}
	return m, nil
}

// Dim returns the number of features d.
func (m *Marginals) Dim() int { return m.d }

// Rows returns the number of training rows n.
func (m *Marginals) Rows() int { return m.n }

// Column returns the training values of feature j (do not modify).
func (m *Marginals) Column(j int) []float32 { return m.cols[j*m.n : (j+1)*m.n] }

// Sample draws feature j's value from a uniformly random training row.
func (m *Marginals) Sample(rng *rand.Rand, j int) float32 {
	return m.cols[j*m.n+rng.IntN(m.n)]
}
