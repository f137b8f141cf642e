package eval

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// ProbeConfig configures the linear probe: multinomial logistic regression on
// frozen, standardised features, minimising
//
//	(1/N) Σ_i -log softmax(W x_i + b)[y_i] + (L2/2) ||W||²
//
// with full-batch L-BFGS from W = 0, b = 0 (deterministic: no seed needed).
type ProbeConfig struct {
	// L2 is the weight-decay strength on W (the bias is not penalised), >= 0.
	// Choose it on a validation split (LinearProbeSweep), never on the test set.
	L2 float64
	// MaxIter bounds L-BFGS iterations; 0 means 1000.
	MaxIter int
	// GradTol stops when every gradient entry is within ±GradTol; 0 means 1e-5.
	GradTol float64
	// Memory is the number of L-BFGS correction pairs; 0 means 10.
	Memory int
}

// DefaultProbe returns L2 = 1e-4 and the defaults above.
func DefaultProbe() ProbeConfig {
	return ProbeConfig{L2: 1e-4, MaxIter: 1000, GradTol: 1e-5, Memory: 10}
}

func (c ProbeConfig) withDefaults() (ProbeConfig, error) {
	if c.MaxIter == 0 {
		c.MaxIter = 1000
	}
	if c.GradTol == 0 {
		c.GradTol = 1e-5
	}
	if c.Memory == 0 {
		c.Memory = 10
	}
	if !(c.L2 >= 0) || math.IsInf(c.L2, 0) || c.MaxIter < 0 || !(c.GradTol > 0) || c.Memory < 1 {
		return c, fmt.Errorf("eval: linear probe: L2=%g MaxIter=%d GradTol=%g Memory=%d: %w", c.L2, c.MaxIter, c.GradTol, c.Memory, ErrConfig)
	}
	return c, nil
}

// LinearClassifier is a fitted multinomial logistic regression on
// standardised features: scores = ((x - Mean) / Scale) W + B.
type LinearClassifier struct {
	Classes []int     // label of each output, (c,), ascending
	Mean    []float32 // training feature means, (d,)
	Scale   []float32 // training feature standard deviations (1 where constant), (d,)
	W       Matrix    // (d, c)
	B       []float32 // (c,)
}

// FitInfo describes the optimisation that produced a LinearClassifier.
type FitInfo struct {
	Loss       float64 // final objective (mean cross-entropy + L2 term)
	Iterations int     // L-BFGS iterations
	Evals      int     // objective evaluations
	Converged  bool    // gradient tolerance reached within MaxIter
}

// FitLinear trains a LinearClassifier on x (n, d) with labels (n,).
// At least two distinct labels are needed.
func FitLinear(x Matrix, labels []int, cfg ProbeConfig) (*LinearClassifier, FitInfo, error) {
	const op = "linear probe"
	if err := x.checkNonEmpty(op, "train", 1); err != nil {
		return nil, FitInfo{}, err
	}
	if err := checkLabels(op, "train labels", labels, x.Rows); err != nil {
		return nil, FitInfo{}, err
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, FitInfo{}, err
	}
	classes, dense := denseLabels(labels)
	if len(classes) < 2 {
		return nil, FitInfo{}, fmt.Errorf("eval: %s: one class (%d) in the training labels: %w", op, classes[0], ErrUndefined)
	}
	m := &LinearClassifier{Classes: classes}
	m.Mean, m.Scale = standardiser(x)
	xs := m.standardise(x)
	obj := newSoftmaxObjective(xs, x.Rows, x.Cols, dense[0], len(classes), cfg.L2)
	theta := make([]float64, x.Cols*len(classes)+len(classes))
	out := minimizeLBFGS(theta, obj.eval, lbfgsSettings{maxIter: cfg.MaxIter, gradTol: cfg.GradTol, memory: cfg.Memory})
	m.W, m.B = obj.unpack(theta)
	return m, FitInfo{Loss: out.f, Iterations: out.iterations, Evals: out.evals, Converged: out.converged}, nil
}

// standardiser returns per-feature means and population standard deviations
// (1 for constant features) of x.
func standardiser(x Matrix) (mean, scale []float32) {
	d := x.Cols
	mean = make([]float32, d)
	scale = make([]float32, d)
	for j := 0; j < d; j++ {
		var s float64
		for i := 0; i < x.Rows; i++ {
			s += float64(x.Data[i*d+j])
		}
		mu := s / float64(x.Rows)
		var ss float64
		for i := 0; i < x.Rows; i++ {
			dv := float64(x.Data[i*d+j]) - mu
			ss += dv * dv
		}
		sd := math.Sqrt(ss / float64(x.Rows))
		if sd < 1e-12*math.Max(1, math.Abs(mu)) {
			sd = 1
		}
		mean[j], scale[j] = float32(mu), float32(sd)
	}
	return mean, scale
}

func (m *LinearClassifier) standardise(x Matrix) []float32 {
	d := x.Cols
	inv := make([]float32, d)
	for j, s := range m.Scale {
		inv[j] = 1 / s
	}
	out := make([]float32, len(x.Data))
	kernels.Parallel(x.Rows, 4096, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			src, dst := x.Data[i*d:(i+1)*d], out[i*d:(i+1)*d]
			mean, inv := m.Mean[:d], inv[:d]
			for j, v := range src {
				dst[j] = (v - mean[j]) * inv[j]
			}
		}
	})
	return out
}

// Predict returns the predicted label of every row of x (n, d).
func (m *LinearClassifier) Predict(x Matrix) ([]int, error) {
	if err := x.checkNonEmpty("linear predict", "x", 1); err != nil {
		return nil, err
	}
	if x.Cols != len(m.Mean) {
		return nil, fmt.Errorf("eval: linear predict: x has %d features, model %d: %w", x.Cols, len(m.Mean), ErrShape)
	}
	xs := m.standardise(x)
	c := len(m.Classes)
	pred := make([]int, x.Rows)
	const block = 1024
	kernels.Parallel((x.Rows+block-1)/block, 1, func(lo, hi int) {
		z := make([]float32, block*c)
		for b := lo; b < hi; b++ {
			r0, r1 := b*block, min((b+1)*block, x.Rows)
			kernels.Sgemm(false, false, r1-r0, c, x.Cols, 1, xs[r0*x.Cols:], x.Cols, m.W.Data, c, 0, z, c)
			for i := r0; i < r1; i++ {
				row := z[(i-r0)*c : (i-r0+1)*c]
				best := 0
				for k := range row {
					if row[k]+m.B[k] > row[best]+m.B[best] {
						best = k
					}
				}
				pred[i] = m.Classes[best]
			}
		}
	})
	return pred, nil
}

// ProbeResult reports a linear probe.
type ProbeResult struct {
	TrainAccuracy, TestAccuracy float64
	L2                          float64 // the weight decay used
	Fit                         FitInfo
	Model                       *LinearClassifier
}

// LinearProbe fits a LinearClassifier on train (n, d) / trainLabels (n,) and
// reports accuracy on the training set and on test (m, d) / testLabels (m,).
// Test labels absent from training count as errors. This is the standard
// "linear evaluation protocol" of self-supervised learning (e.g. SimCLR,
// Chen et al. 2020, arXiv 2002.05709), here with L-BFGS on frozen features.
func LinearProbe(train Matrix, trainLabels []int, test Matrix, testLabels []int, cfg ProbeConfig) (ProbeResult, error) {
	if err := test.checkNonEmpty("linear probe", "test", 1); err != nil {
		return ProbeResult{}, err
	}
	if err := checkLabels("linear probe", "test labels", testLabels, test.Rows); err != nil {
		return ProbeResult{}, err
	}
	if test.Cols != train.Cols {
		return ProbeResult{}, fmt.Errorf("eval: linear probe: train dim %d, test dim %d: %w", train.Cols, test.Cols, ErrShape)
	}
	m, info, err := FitLinear(train, trainLabels, cfg)
	if err != nil {
		return ProbeResult{}, err
	}
	res := ProbeResult{L2: cfg.L2, Fit: info, Model: m}
	if res.TrainAccuracy, err = m.accuracy(train, trainLabels); err != nil {
		return ProbeResult{}, err
	}
	if res.TestAccuracy, err = m.accuracy(test, testLabels); err != nil {
		return ProbeResult{}, err
	}
	return res, nil
}

func (m *LinearClassifier) accuracy(x Matrix, labels []int) (float64, error) {
	pred, err := m.Predict(x)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, p := range pred {
		if p == labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(pred)), nil
}
