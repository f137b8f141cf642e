package eval

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// MaxTSNEPoints bounds the input of the exact O(n²) TSNE: its affinity
// matrix takes 4n² bytes (400 MB at this size).
const MaxTSNEPoints = 10000

// TSNEConfig configures TSNE. Zero fields take the defaults in brackets.
type TSNEConfig struct {
	Perplexity        float64 // effective number of neighbours [30]; must be < n
	Iterations        int     // gradient steps [1000]
	LearningRate      float64 // [max(n / EarlyExaggeration / 4, 50), scikit-learn's "auto"]
	EarlyExaggeration float64 // P multiplier during the first ExaggerationIters steps [12]
	ExaggerationIters int     // [250]
	Seed              uint64  // initial layout: N(0, 1e-4²) per coordinate
}

// TSNEResult is a 2-D t-SNE embedding.
type TSNEResult struct {
	Embedding Matrix  // (n, 2)
	KL        float64 // final KL(P || Q), without exaggeration
}

// TSNE embeds the rows of x (n, d) in 2-D with exact t-SNE (van der Maaten &
// Hinton 2008, "Visualizing Data using t-SNE", JMLR 9): Gaussian conditional
// affinities calibrated per point by binary search to the given perplexity,
// symmetrised P, Student-t Q, gradient descent with momentum (0.5, then 0.8
// after the exaggeration phase) and per-parameter gains (Jacobs 1988).
// O(n²) time and memory per iteration, so n <= MaxTSNEPoints; a few thousand
// points take seconds to tens of seconds. Deterministic for a given Seed.
func TSNE(x Matrix, cfg TSNEConfig) (TSNEResult, error) {
	const op = "tsne"
	if err := x.checkNonEmpty(op, "x", 2); err != nil {
		return TSNEResult{}, err
	}
	n := x.Rows
	if cfg.Perplexity == 0 {
		cfg.Perplexity = 30
	}
	if cfg.Iterations == 0 {
		cfg.Iterations = 1000
	}
	if cfg.EarlyExaggeration == 0 {
		cfg.EarlyExaggeration = 12
	}
	if cfg.ExaggerationIters == 0 {
		cfg.ExaggerationIters = 250
	}
	if cfg.LearningRate == 0 {
		cfg.LearningRate = math.Max(float64(n)/cfg.EarlyExaggeration/4, 50)
	}
	if n > MaxTSNEPoints || !(cfg.Perplexity > 0) || cfg.Perplexity >= float64(n) || cfg.Iterations < 0 ||
		!(cfg.LearningRate > 0) || !(cfg.EarlyExaggeration >= 1) || cfg.ExaggerationIters < 0 {
		return TSNEResult{}, fmt.Errorf("eval: %s: %d points (max %d), perplexity %g (must be < n), %d iterations, learning rate %g, exaggeration %g for %d: %w",
			op, n, MaxTSNEPoints, cfg.Perplexity, cfg.Iterations, cfg.LearningRate, cfg.EarlyExaggeration, cfg.ExaggerationIters, ErrConfig)
	}
	p := tsneAffinities(x, cfg.Perplexity)

	rng := rand.New(rand.NewPCG(cfg.Seed, 0x74736e65))
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = 1e-4 * rng.NormFloat64()
	}
	grad := make([]float64, 2*n)
	update := make([]float64, 2*n)
	gains := make([]float64, 2*n)
	for i := range gains {
		gains[i] = 1
	}
	for it := 0; it < cfg.Iterations; it++ {
		exag, momentum := 1.0, 0.8
		if it < cfg.ExaggerationIters {
			exag, momentum = cfg.EarlyExaggeration, 0.5
		}
		tsneGradient(p, y, n, exag, grad)
		for i, g := range grad {
			if (g > 0) != (update[i] > 0) {
				gains[i] += 0.2
			} else {
				gains[i] = math.Max(gains[i]*0.8, 0.01)
			}
			update[i] = momentum*update[i] - cfg.LearningRate*gains[i]*g
			y[i] += update[i]
		}
	}
	emb := Matrix{Rows: n, Cols: 2, Data: make([]float32, 2*n)}
	for i, v := range y {
		emb.Data[i] = float32(v)
	}
	return TSNEResult{Embedding: emb, KL: tsneKL(p, y, n)}, nil
}

// tsneAffinities returns the symmetric joint affinities P (n, n), row-major
// float32, P_ij = (p_j|i + p_i|j) / 2n, with zero diagonal.
func tsneAffinities(x Matrix, perplexity float64) []float32 {
	n := x.Rows
	cond := make([]float32, n*n)
	xsq := rowSqNorms(x.Data, n, x.Cols)
	sc := newScorer(Euclidean, x)
	sc.scan(x.Data, n, sc.chunkRows(n, 0), func(lo, hi int, rows []float32) {
		dist := make([]float64, n)
		for i := lo; i < hi; i++ {
			s := rows[(i-lo)*n : (i-lo+1)*n] // 2<x_i,x_j> - |x_j|²
			for j := range dist {
				dist[j] = math.Max(0, float64(xsq[i])-float64(s[j]))
			}
			pr, _ := conditionalP(dist, i, perplexity)
			for j, v := range pr {
				cond[i*n+j] = float32(v)
			}
		}
	})
	p := make([]float32, n*n)
	inv := 1 / (2 * float64(n))
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			p[i*n+j] = float32((float64(cond[i*n+j]) + float64(cond[j*n+i])) * inv)
		}
	}
	return p
}

// conditionalP returns p_j|i ∝ exp(-β d_j) over j != self (p_self = 0), with
// β found by bisection so that the entropy is ln(perplexity) within 1e-5 nats,
// and that β. dist holds squared distances.
func conditionalP(dist []float64, self int, perplexity float64) ([]float64, float64) {
	target := math.Log(perplexity)
	dmin := math.Inf(1)
	for j, d := range dist {
		if j != self {
			dmin = math.Min(dmin, d)
		}
	}
	p := make([]float64, len(dist))
	beta, lo, hi := 1.0, 0.0, math.Inf(1)
	for step := 0; step < 200; step++ {
		var sum, wd float64
		for j, d := range dist {
			if j == self {
				p[j] = 0
				continue
			}
			e := math.Exp(-beta * (d - dmin))
			p[j] = e
			sum += e
			wd += e * (d - dmin)
		}
		h := math.Log(sum) + beta*wd/sum // entropy of the normalised p
		for j := range p {
			p[j] /= sum
		}
		if math.Abs(h-target) < 1e-5 {
			break
		}
		if h > target { // too flat: sharpen
			lo = beta
			if math.IsInf(hi, 1) {
				beta *= 2
			} else {
				beta = (beta + hi) / 2
			}
		} else {
			hi = beta
			beta = (beta + lo) / 2
		}
	}
	return p, beta
}

// tsneGradient writes dKL/dy (with P scaled by exag) into grad, (n, 2):
// 4 Σ_j (exag p_ij - q_ij) w_ij (y_i - y_j), w_ij = 1/(1+|y_i-y_j|²),
// q_ij = w_ij / Z. Each row accumulates Σ p w Δ, Σ w² Δ and Σ w in one pass;
// Z is summed in row order so the result does not depend on scheduling.
func tsneGradient(p []float32, y []float64, n int, exag float64, grad []float64) {
	attr := make([]float64, 2*n)
	rep := make([]float64, 2*n)
	zrow := make([]float64, n)
	kernels.Parallel(n, 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			yi0, yi1 := y[2*i], y[2*i+1]
			prow := p[i*n : (i+1)*n]
			var a0, a1, r0, r1, z float64
			for j := 0; j < n; j++ {
				if j == i {
					continue
				}
				d0, d1 := yi0-y[2*j], yi1-y[2*j+1]
				w := 1 / (1 + d0*d0 + d1*d1)
				pw := float64(prow[j]) * w
				a0 += pw * d0
				a1 += pw * d1
				w2 := w * w
				r0 += w2 * d0
				r1 += w2 * d1
				z += w
			}
			attr[2*i], attr[2*i+1] = a0, a1
			rep[2*i], rep[2*i+1] = r0, r1
			zrow[i] = z
		}
	})
	var z float64
	for _, v := range zrow {
		z += v
	}
	for i := range grad {
		grad[i] = 4 * (exag*attr[i] - rep[i]/z)
	}
}

// tsneKL is KL(P || Q) for the layout y.
func tsneKL(p []float32, y []float64, n int) float64 {
	var z float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if i != j {
				d0, d1 := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				z += 1 / (1 + d0*d0 + d1*d1)
			}
		}
	}
	var kl float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if pij := float64(p[i*n+j]); i != j && pij > 0 {
				d0, d1 := y[2*i]-y[2*j], y[2*i+1]-y[2*j+1]
				q := 1 / (1 + d0*d0 + d1*d1) / z
				kl += pij * math.Log(pij/q)
			}
		}
	}
	return kl
}
