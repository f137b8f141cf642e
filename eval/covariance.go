package eval

import (
	"fmt"
	"sort"

	"gonum.org/v1/gonum/mat"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// centred returns x minus its column means (means accumulated in float64),
// and the means.
func centred(x Matrix) ([]float32, []float64) {
	n, d := x.Rows, x.Cols
	mean := make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x.Row(i) {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	out := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j, v := range x.Row(i) {
			out[i*d+j] = float32(float64(v) - mean[j])
		}
	}
	return out, mean
}

// covarianceEigen returns the eigenvalues (descending, clamped at 0) and the
// matching unit eigenvectors, as columns of a (d, d) matrix, of the sample
// covariance Xcᵀ Xc / (n-1) of x (n, d), n >= 2, plus the column means.
// The covariance is accumulated in float64 (float32 Sgemm would leave a noise
// floor near 1e-7·λ_max on the zero eigenvalues, and effective rank takes
// square roots, which lifts it to 3e-4·σ_max per dimension), in parallel over
// rows of the output; the eigendecomposition uses gonum's EigenSym.
func covarianceEigen(op string, x Matrix, vectors bool) (vals []float64, vecs *mat.Dense, mean []float64, err error) {
	n, d := x.Rows, x.Cols
	mean = make([]float64, d)
	for i := 0; i < n; i++ {
		for j, v := range x.Row(i) {
			mean[j] += float64(v)
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// Column-major centred copy: column j is xt[j*n : (j+1)*n].
	xt := make([]float64, n*d)
	for i := 0; i < n; i++ {
		for j, v := range x.Row(i) {
			xt[j*n+i] = float64(v) - mean[j]
		}
	}
	covData := make([]float64, d*d)
	row := func(i int) {
		ci := xt[i*n : (i+1)*n]
		for j := i; j < d; j++ {
			cj := xt[j*n : (j+1)*n]
			var s float64
			for p, v := range ci {
				s += v * cj[p]
			}
			covData[i*d+j] = s / float64(n-1)
			covData[j*d+i] = covData[i*d+j]
		}
	}
	// Row i costs d-i dot products: pair row k with row d-1-k to balance work.
	kernels.Parallel((d+1)/2, 1, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			row(k)
			if o := d - 1 - k; o != k {
				row(o)
			}
		}
	})
	cov := mat.NewSymDense(d, covData)
	var eig mat.EigenSym
	if !eig.Factorize(cov, vectors) {
		return nil, nil, nil, fmt.Errorf("eval: %s: eigendecomposition of the (%d, %d) covariance did not converge: %w", op, d, d, ErrUndefined)
	}
	raw := eig.Values(nil)
	order := make([]int, d)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return raw[order[a]] > raw[order[b]] })
	vals = make([]float64, d)
	for i, o := range order {
		vals[i] = max(0, raw[o])
	}
	if vectors {
		var ev mat.Dense
		eig.VectorsTo(&ev)
		vecs = mat.NewDense(d, d, nil)
		for i, o := range order {
			col := mat.Col(nil, o, &ev)
			// Sign convention: the entry of largest magnitude is positive.
			big := 0
			for j := range col {
				if abs(col[j]) > abs(col[big]) {
					big = j
				}
			}
			if col[big] < 0 {
				for j := range col {
					col[j] = -col[j]
				}
			}
			vecs.SetCol(i, col)
		}
	}
	return vals, vecs, mean, nil
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
