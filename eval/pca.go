package eval

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// PCAResult is a principal component analysis of n points in d dimensions.
type PCAResult struct {
	Mean          []float32 // column means, (d,)
	Components    Matrix    // (k, d): unit principal axes, by decreasing variance; each axis's largest-magnitude entry is positive
	Variance      []float64 // (k,): variance along each axis (covariance eigenvalues, n-1 normalised)
	VarianceRatio []float64 // (k,): Variance / total variance (0 when the total is 0)
	Projected     Matrix    // (n, k): the centred points in component coordinates
}

// PCA projects x (n, d), n >= 2, onto its k leading principal components,
// 1 <= k <= d; PCA(x, 2) gives a 2-D view for plots. The covariance is
// accumulated with Sgemm in float32 and decomposed in float64 (gonum
// EigenSym); the component signs are fixed so results are deterministic.
func PCA(x Matrix, k int) (PCAResult, error) {
	const op = "pca"
	if err := x.checkNonEmpty(op, "x", 2); err != nil {
		return PCAResult{}, err
	}
	if k < 1 || k > x.Cols {
		return PCAResult{}, fmt.Errorf("eval: %s: %d components for dimension %d: %w", op, k, x.Cols, ErrConfig)
	}
	vals, vecs, mean, err := covarianceEigen(op, x, true)
	if err != nil {
		return PCAResult{}, err
	}
	n, d := x.Rows, x.Cols
	res := PCAResult{
		Mean:          make([]float32, d),
		Components:    Matrix{Rows: k, Cols: d, Data: make([]float32, k*d)},
		Variance:      vals[:k],
		VarianceRatio: make([]float64, k),
		Projected:     Matrix{Rows: n, Cols: k, Data: make([]float32, n*k)},
	}
	var total float64
	for _, v := range vals {
		total += v
	}
	for c := 0; c < k; c++ {
		if total > 0 {
			res.VarianceRatio[c] = vals[c] / total
		}
		for j := 0; j < d; j++ {
			res.Components.Data[c*d+j] = float32(vecs.At(j, c))
		}
	}
	for j, m := range mean {
		res.Mean[j] = float32(m)
	}
	xc, _ := centred(x)
	kernels.Sgemm(false, true, n, k, d, 1, xc, d, res.Components.Data, d, 0, res.Projected.Data, k)
	return res, nil
}
