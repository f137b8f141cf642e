package nn

import (
	"github.com/contrast-ml/contrast/ag"
)

// MaxPool2d is torch.nn.MaxPool2d(K, Stride) (floor mode, no padding) over
// x (N, C, H, W).
type MaxPool2d struct {
	stateless
	K, Stride int
}

// NewMaxPool2d returns a K x K max-pool; stride 0 means K.
func NewMaxPool2d(k, stride int) (*MaxPool2d, error) {
	if stride == 0 {
		stride = k
	}
	if err := checkPositive("MaxPool2d", "kernel", k, "stride", stride); err != nil {
		return nil, err
	}
	return &MaxPool2d{K: k, Stride: stride}, nil
}

// Forward pools x.
func (p *MaxPool2d) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.MaxPool2d(x, p.K, p.Stride) }

// AvgPool2d is torch.nn.AvgPool2d(K, Stride) (floor mode, no padding) over
// x (N, C, H, W).
type AvgPool2d struct {
	stateless
	K, Stride int
}

// NewAvgPool2d returns a K x K average pool; stride 0 means K.
func NewAvgPool2d(k, stride int) (*AvgPool2d, error) {
	if stride == 0 {
		stride = k
	}
	if err := checkPositive("AvgPool2d", "kernel", k, "stride", stride); err != nil {
		return nil, err
	}
	return &AvgPool2d{K: k, Stride: stride}, nil
}

// Forward pools x.
func (p *AvgPool2d) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.AvgPool2d(x, p.K, p.Stride) }

// GlobalAvgPool averages each plane of x (N, C, H, W) to (N, C), as
// torch.nn.AdaptiveAvgPool2d(1) followed by flatten.
type GlobalAvgPool struct{ stateless }

// Forward pools x.
func (GlobalAvgPool) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.GlobalAvgPool(x) }
