package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Conv2dConfig describes a 2-D convolution; zero Stride and Groups mean 1.
type Conv2dConfig struct {
	In, Out int // channels
	Kernel  int // square kernel side
	Stride  int
	Pad     int // zero padding on every side
	Groups  int
	NoBias  bool
}

// Conv2d is torch.nn.Conv2d with square kernels: x (N, In, H, W) to
// (N, Out, OH, OW), OH = (H + 2·Pad - Kernel)/Stride + 1, with Weight
// (Out, In/Groups, Kernel, Kernel) and Bias (Out) or nil. Parameters "weight" and
// "bias".
type Conv2d struct {
	stateless
	Weight, Bias *ag.Var
	Stride, Pad  int
	Groups       int
}

// NewConv2d returns a convolution initialised as PyTorch's: weight and bias
// U(±1/sqrt(fanIn)), fanIn = In/Groups·Kernel².
func NewConv2d(c Conv2dConfig, rng *rand.Rand) (*Conv2d, error) {
	if c.Stride == 0 {
		c.Stride = 1
	}
	if c.Groups == 0 {
		c.Groups = 1
	}
	if err := checkPositive("Conv2d", "In", c.In, "Out", c.Out, "Kernel", c.Kernel, "Stride", c.Stride, "Groups", c.Groups); err != nil {
		return nil, err
	}
	switch {
	case c.Pad < 0:
		return nil, fmt.Errorf("nn: Conv2d: negative padding %d", c.Pad)
	case c.In%c.Groups != 0 || c.Out%c.Groups != 0:
		return nil, fmt.Errorf("nn: Conv2d: %d groups do not divide %d inputs and %d outputs", c.Groups, c.In, c.Out)
	}
	fanIn := c.In / c.Groups * c.Kernel * c.Kernel
	l := &Conv2d{Stride: c.Stride, Pad: c.Pad, Groups: c.Groups,
		Weight: ag.Param("weight", tensor.New(c.Out, c.In/c.Groups, c.Kernel, c.Kernel).KaimingUniform(rng, fanIn))}
	if !c.NoBias {
		l.Bias = ag.Param("bias", uniformBias(rng, c.Out, fanIn))
	}
	return l, nil
}

// Forward convolves x (N, In, H, W).
func (l *Conv2d) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.Conv2d(x, l.Weight, l.Bias, l.Stride, l.Pad, l.Groups)
}

// Params returns weight and, when present, bias.
func (l *Conv2d) Params() []*ag.Var { return present(l.Weight, l.Bias) }
