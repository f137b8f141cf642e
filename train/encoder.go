package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/nn"
)

// Shape is an input example's shape (channels, height, width); flat inputs
// (tabular rows) have C = feature count and H = W = 1.
type Shape struct{ C, H, W int }

// Len is C*H*W.
func (s Shape) Len() int { return s.C * s.H * s.W }

// String is CxHxW.
func (s Shape) String() string { return fmt.Sprintf("%dx%dx%d", s.C, s.H, s.W) }

// CheckImages refuses a set of images that an encoder built for inputs of
// shape s cannot embed: none at all, or of another shape (the forward pass
// would fail deep inside a layer).
func (s Shape) CheckImages(im *data.Images) error {
	if im.N == 0 {
		return fmt.Errorf("no images")
	}
	if got := (Shape{im.C, im.H, im.W}); got != s {
		return fmt.Errorf("the model takes %v images (channels x height x width), the data holds %v", s, got)
	}
	return nil
}

// NewEncoder builds the encoder of cfg for inputs of shape in, returning it and
// its feature dimension.
func NewEncoder(cfg EncoderConfig, in Shape, rng *rand.Rand) (nn.Module, int, error) {
	switch cfg.Kind {
	case EncoderW1:
		return newW1(cfg.Dim, in, rng)
	case EncoderMLP:
		return newMLP(in.Len(), cfg.Hidden, cfg.Dim, rng)
	case EncoderResNet:
		return newResNet(in, cfg.Width, cfg.Dim, rng)
	}
	return nil, 0, fmt.Errorf("train: unknown encoder %v", cfg.Kind)
}

// newW1 is the ConvNet of the W1 benchmark: Conv(C->32,3)+ReLU+MaxPool2,
// Conv(32->64,3)+ReLU+MaxPool2, Flatten, Linear(64*h*w, dim)+ReLU. Its layers and
// parameter names ("0.weight", "3.weight", "7.weight") match PyTorch's
// nn.Sequential of the same layers, so weights move between the two.
func newW1(dim int, in Shape, rng *rand.Rand) (nn.Module, int, error) {
	h, w := (in.H-2)/2, (in.W-2)/2
	h, w = (h-2)/2, (w-2)/2
	if h < 1 || w < 1 {
		return nil, 0, fmt.Errorf("train: the w1 encoder needs images of at least 10x10, got %dx%d", in.H, in.W)
	}
	c1, err := nn.NewConv2d(nn.Conv2dConfig{In: in.C, Out: 32, Kernel: 3}, rng)
	if err != nil {
		return nil, 0, err
	}
	c2, err := nn.NewConv2d(nn.Conv2dConfig{In: 32, Out: 64, Kernel: 3}, rng)
	if err != nil {
		return nil, 0, err
	}
	fc, err := nn.NewLinear(64*h*w, dim, true, rng)
	if err != nil {
		return nil, 0, err
	}
	return nn.NewSequential(c1, nn.ReLU{}, nn.Must(nn.NewMaxPool2d(2, 2)), c2, nn.ReLU{}, nn.Must(nn.NewMaxPool2d(2, 2)),
		nn.Flatten{}, fc, nn.ReLU{}), dim, nil
}

// newMLP is Flatten, then Linear+ReLU for each hidden width, then Linear(dim).
func newMLP(in int, hidden []int, dim int, rng *rand.Rand) (nn.Module, int, error) {
	layers := []nn.Module{nn.Flatten{}}
	prev := in
	for _, h := range hidden {
		l, err := nn.NewLinear(prev, h, true, rng)
		if err != nil {
			return nil, 0, err
		}
		layers = append(layers, l, nn.ReLU{})
		prev = h
	}
	l, err := nn.NewLinear(prev, dim, true, rng)
	if err != nil {
		return nil, 0, err
	}
	return nn.NewSequential(append(layers, l)...), dim, nil
}

// NewMLPHead is a projection or prediction head: Linear(in, hidden), optional
// BatchNorm1d, ReLU, Linear(hidden, out); with hidden 0 a single Linear.
func NewMLPHead(in, hidden, out int, batchNorm bool, rng *rand.Rand) (nn.Module, error) {
	if hidden == 0 {
		l, err := nn.NewLinear(in, out, true, rng)
		if err != nil {
			return nil, err
		}
		return nn.NewSequential(l), nil
	}
	l1, err := nn.NewLinear(in, hidden, !batchNorm, rng)
	if err != nil {
		return nil, err
	}
	l2, err := nn.NewLinear(hidden, out, true, rng)
	if err != nil {
		return nil, err
	}
	if batchNorm {
		return nn.NewSequential(l1, nn.Must(nn.NewBatchNorm1d(hidden)), nn.ReLU{}, l2), nil
	}
	return nn.NewSequential(l1, nn.ReLU{}, l2), nil
}
