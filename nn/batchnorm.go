package nn

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// BatchNormConfig describes a batch normalisation layer. Zero Momentum and Eps
// mean PyTorch's defaults, 0.1 and 1e-5.
type BatchNormConfig struct {
	Channels int
	// Spatial selects BatchNorm2d, x (N, C, H, W); otherwise BatchNorm1d,
	// x (N, C) or (N, C, L).
	Spatial  bool
	Momentum float32
	Eps      float32
	// NoAffine drops the learnt scale and shift (affine=False, as SimSiam's
	// projector output).
	NoAffine bool
	// NoRunningStats normalises with the batch statistics in both modes
	// (track_running_stats=False) and keeps no buffers.
	NoRunningStats bool
}

// BatchNorm is torch.nn.BatchNorm1d/2d (Ioffe & Szegedy 2015, arXiv
// 1502.03167): per channel y = (x - mean)/sqrt(var + eps)·weight + bias, with the
// batch statistics in training, which also update the running ones
// (r ← (1-momentum)·r + momentum·stat, unbiased variance), and the running
// statistics in evaluation. Parameters "weight", "bias" (C); buffers
// "running_mean", "running_var" (C) and "num_batches_tracked" (a scalar, float32
// here, int64 in PyTorch).
type BatchNorm struct {
	Weight, Bias                        *ag.Var
	RunningMean, RunningVar, NumBatches *Buffer
	Momentum, Eps                       float32
	spatial                             bool
	eval                                bool
}

// NewBatchNorm1d returns BatchNorm1d(c) with PyTorch's defaults.
func NewBatchNorm1d(c int) (*BatchNorm, error) {
	return NewBatchNorm(BatchNormConfig{Channels: c})
}

// NewBatchNorm2d returns BatchNorm2d(c) with PyTorch's defaults.
func NewBatchNorm2d(c int) (*BatchNorm, error) {
	return NewBatchNorm(BatchNormConfig{Channels: c, Spatial: true})
}

// NewBatchNorm returns a batch normalisation layer: weight 1, bias 0, running
// mean 0, running variance 1.
func NewBatchNorm(c BatchNormConfig) (*BatchNorm, error) {
	if c.Momentum == 0 {
		c.Momentum = 0.1
	}
	if c.Eps == 0 {
		c.Eps = 1e-5
	}
	if err := checkPositive(bnName(c.Spatial), "channels", c.Channels); err != nil {
		return nil, err
	}
	if !(c.Momentum > 0 && c.Momentum <= 1) || !(c.Eps > 0) {
		return nil, fmt.Errorf("nn: %s: momentum %v must be in (0, 1] and eps %v positive", bnName(c.Spatial), c.Momentum, c.Eps)
	}
	b := &BatchNorm{Momentum: c.Momentum, Eps: c.Eps, spatial: c.Spatial}
	if !c.NoAffine {
		b.Weight = ag.Param("weight", tensor.Full(1, c.Channels))
		b.Bias = ag.Param("bias", tensor.New(c.Channels))
	}
	if !c.NoRunningStats {
		b.RunningMean = &Buffer{"running_mean", tensor.New(c.Channels)}
		b.RunningVar = &Buffer{"running_var", tensor.Full(1, c.Channels)}
		b.NumBatches = &Buffer{"num_batches_tracked", tensor.Scalar(0)}
	}
	return b, nil
}

func bnName(spatial bool) string {
	if spatial {
		return "BatchNorm2d"
	}
	return "BatchNorm1d"
}

// Forward normalises x: (N, C, H, W) for BatchNorm2d, (N, C) or (N, C, L) for
// BatchNorm1d.
func (b *BatchNorm) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	d := x.Value.Dims()
	if b.spatial && d != 4 || !b.spatial && d != 2 && d != 3 {
		panic(fmt.Sprintf("nn: %s: input of shape %v", bnName(b.spatial), x.Shape()))
	}
	var rm, rv *tensor.Tensor
	if b.RunningMean != nil {
		rm, rv = b.RunningMean.Value, b.RunningVar.Value
		if !b.eval {
			b.NumBatches.Value.Data[b.NumBatches.Value.Offset]++
		}
	}
	return t.BatchNorm(x, b.Weight, b.Bias, rm, rv, !b.eval, b.Momentum, b.Eps)
}

// Params returns weight and bias (none without affine).
func (b *BatchNorm) Params() []*ag.Var { return present(b.Weight, b.Bias) }

// Buffers returns the running statistics and the batch count.
func (b *BatchNorm) Buffers() []*Buffer {
	if b.RunningMean == nil {
		return nil
	}
	return []*Buffer{b.RunningMean, b.RunningVar, b.NumBatches}
}

// SetTraining selects batch (true) or running (false) statistics.
func (b *BatchNorm) SetTraining(training bool) { b.eval = !training }

// LayerNorm is torch.nn.LayerNorm(D) (Ba, Kiros & Hinton 2016, arXiv
// 1607.06450): x (..., D) normalised over its last axis, then scaled by Weight
// and shifted by Bias (D), parameters "weight" and "bias". Set Weight and Bias
// to nil for elementwise_affine=False.
type LayerNorm struct {
	stateless
	Weight, Bias *ag.Var
	Eps          float32
}

// NewLayerNorm returns LayerNorm(d) with eps 1e-5, weight 1 and bias 0.
func NewLayerNorm(d int) (*LayerNorm, error) {
	if err := checkPositive("LayerNorm", "dimension", d); err != nil {
		return nil, err
	}
	return &LayerNorm{Weight: ag.Param("weight", tensor.Full(1, d)), Bias: ag.Param("bias", tensor.New(d)), Eps: 1e-5}, nil
}

// Forward normalises x (..., D).
func (l *LayerNorm) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.LayerNorm(x, l.Weight, l.Bias, l.Eps)
}

// Params returns weight and bias.
func (l *LayerNorm) Params() []*ag.Var { return present(l.Weight, l.Bias) }
