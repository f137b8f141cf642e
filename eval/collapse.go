package eval

import (
	"fmt"
	"math"
)

// NormalizedStd is the SimSiam collapse monitor (Chen & He 2020, "Exploring
// Simple Siamese Representation Learning", arXiv 2011.10566, Sec. 4.1): L2-
// normalise each row of z (n, d), take the standard deviation of every
// dimension over the n rows (unbiased, as torch.std), and average over the d
// dimensions. It is 0 for a collapsed representation (every output the same)
// and about 1/sqrt(d) when outputs spread like an isotropic Gaussian. n >= 2.
func NormalizedStd(z Matrix) (float64, error) {
	if err := z.checkNonEmpty("normalized std", "z", 2); err != nil {
		return 0, err
	}
	u := normalizedRows(z)
	n, d := z.Rows, z.Cols
	var total float64
	for j := 0; j < d; j++ {
		var s float64
		for i := 0; i < n; i++ {
			s += float64(u[i*d+j])
		}
		m := s / float64(n)
		var ss float64
		for i := 0; i < n; i++ {
			dv := float64(u[i*d+j]) - m
			ss += dv * dv
		}
		total += math.Sqrt(ss / float64(n-1))
	}
	return total / float64(d), nil
}

// EffectiveRank is the effective rank of Roy & Vetterli 2007 ("The effective
// rank: a measure of effective dimensionality", EUSIPCO) of the centred
// embedding matrix z (n, d), n >= 2: with singular values σ_k,
// p_k = σ_k / Σ σ, erank = exp(-Σ p_k ln p_k), between 1 and min(n-1, d).
// The σ_k are the square roots of the eigenvalues of the covariance (the
// scale cancels). It is 0 when all rows are equal (complete collapse).
// Use it on the embeddings as they are; it does not normalise rows.
func EffectiveRank(z Matrix) (float64, error) {
	const op = "effective rank"
	if err := z.checkNonEmpty(op, "z", 2); err != nil {
		return 0, err
	}
	vals, _, _, err := covarianceEigen(op, z, false)
	if err != nil {
		return 0, err
	}
	var sum float64
	sv := make([]float64, len(vals))
	for i, v := range vals {
		sv[i] = math.Sqrt(v)
		sum += sv[i]
	}
	if sum == 0 {
		return 0, nil
	}
	var h float64
	for _, s := range sv {
		if p := s / sum; p > 0 {
			h -= p * math.Log(p)
		}
	}
	return math.Exp(h), nil
}

// Alignment is the alignment loss of Wang & Isola 2020 ("Understanding
// Contrastive Representation Learning through Alignment and Uniformity on the
// Hypersphere", arXiv 2005.10242): E ||f(x) - f(y)||^alpha over positive
// pairs, row i of x (n, d) paired with row i of y (n, d). Rows are
// L2-normalised first (f maps to the unit sphere). The paper uses alpha = 2.
// Lower is better; the range is [0, 2^alpha].
func Alignment(x, y Matrix, alpha float64) (float64, error) {
	const op = "alignment"
	if err := x.checkNonEmpty(op, "x", 1); err != nil {
		return 0, err
	}
	if err := y.checkNonEmpty(op, "y", 1); err != nil {
		return 0, err
	}
	if x.Rows != y.Rows || x.Cols != y.Cols {
		return 0, fmt.Errorf("eval: %s: x (%d, %d) and y (%d, %d) must pair row by row: %w", op, x.Rows, x.Cols, y.Rows, y.Cols, ErrShape)
	}
	if !(alpha > 0) || math.IsInf(alpha, 0) {
		return 0, fmt.Errorf("eval: %s: alpha %g: %w", op, alpha, ErrConfig)
	}
	ux, uy := normalizedRows(x), normalizedRows(y)
	var total float64
	for i := 0; i < x.Rows; i++ {
		var ss float64
		for j := 0; j < x.Cols; j++ {
			dv := float64(ux[i*x.Cols+j]) - float64(uy[i*x.Cols+j])
			ss += dv * dv
		}
		if alpha == 2 {
			total += ss
		} else {
			total += math.Pow(ss, alpha/2)
		}
	}
	return total / float64(x.Rows), nil
}

// Uniformity is the uniformity loss of Wang & Isola 2020 (arXiv 2005.10242):
// log E exp(-t ||f(x_i) - f(x_j)||²) over all pairs i < j of the rows of
// x (n, d), n >= 2, after L2-normalising each row. The paper uses t = 2.
// Lower (more negative) is more uniform; it is 0 for a collapsed set and
// -4t at best for two antipodal points. The pairwise products come from Sgemm
// in chunks, so memory stays bounded; cost is O(n² d).
func Uniformity(x Matrix, t float64) (float64, error) {
	const op = "uniformity"
	if err := x.checkNonEmpty(op, "x", 2); err != nil {
		return 0, err
	}
	if !(t > 0) || math.IsInf(t, 0) {
		return 0, fmt.Errorf("eval: %s: t %g: %w", op, t, ErrConfig)
	}
	n := x.Rows
	u := Matrix{Rows: n, Cols: x.Cols, Data: normalizedRows(x)}
	sq := rowSqNorms(u.Data, n, u.Cols) // 1, or 0 for an all-zero row
	sc := newScorer(InnerProduct, u)
	// Per-row log-sum-exp over j > i, merged in row order afterwards.
	rowMax := make([]float64, n)
	rowSum := make([]float64, n)
	sc.scan(u.Data, n, sc.chunkRows(n, 0), func(lo, hi int, rows []float32) {
		for i := lo; i < hi; i++ {
			dots := rows[(i-lo)*n : (i-lo+1)*n]
			e := func(j int) float64 { return -t * max(0, float64(sq[i]+sq[j]-2*dots[j])) }
			m := math.Inf(-1)
			for j := i + 1; j < n; j++ {
				m = max(m, e(j))
			}
			var s float64
			for j := i + 1; j < n; j++ {
				s += math.Exp(e(j) - m)
			}
			rowMax[i], rowSum[i] = m, s
		}
	})
	m := math.Inf(-1)
	for i := 0; i < n-1; i++ {
		m = max(m, rowMax[i])
	}
	var s float64
	for i := 0; i < n-1; i++ {
		s += rowSum[i] * math.Exp(rowMax[i]-m)
	}
	pairs := float64(n) * float64(n-1) / 2
	return m + math.Log(s/pairs), nil
}

// CollapseStats bundles the collapse monitors of one batch of embeddings.
type CollapseStats struct {
	NormalizedStd float64 // SimSiam std monitor; healthy ≈ 1/sqrt(d), collapsed ≈ 0
	EffectiveRank float64 // Roy & Vetterli 2007; collapsed → 1 (or 0)
	Uniformity    float64 // Wang & Isola 2020 with t = 2; collapsed → 0
}

// Collapse computes the three monitors on z (n, d), n >= 2.
func Collapse(z Matrix) (CollapseStats, error) {
	var s CollapseStats
	var err error
	if s.NormalizedStd, err = NormalizedStd(z); err != nil {
		return s, err
	}
	if s.EffectiveRank, err = EffectiveRank(z); err != nil {
		return s, err
	}
	s.Uniformity, err = Uniformity(z, 2)
	return s, err
}
