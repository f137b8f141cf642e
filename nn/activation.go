package nn

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// ReLU is max(x, 0) element-wise.
type ReLU struct{ stateless }

// Forward applies the activation.
func (ReLU) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.ReLU(x) }

// LeakyReLU is x for x > 0, Slope·x otherwise (Maas et al. 2013); PyTorch's
// default slope is 0.01.
type LeakyReLU struct {
	stateless
	Slope float32
}

// Forward applies the activation.
func (l LeakyReLU) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.LeakyReLU(x, l.Slope) }

// GELU is x·Φ(x) (Hendrycks & Gimpel 2016, arXiv 1606.08415), exact (the zero
// value, PyTorch's default) or with the tanh approximation.
type GELU struct {
	stateless
	Approx ag.GELUApprox
}

// Forward applies the activation.
func (g GELU) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.GELU(x, g.Approx) }

// Tanh is the hyperbolic tangent element-wise.
type Tanh struct{ stateless }

// Forward applies the activation.
func (Tanh) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Tanh(x) }

// Sigmoid is 1/(1+exp(-x)) element-wise.
type Sigmoid struct{ stateless }

// Forward applies the activation.
func (Sigmoid) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Sigmoid(x) }

// Flatten collapses every axis after the first, (N, d1, d2, ...) to
// (N, d1·d2·...), as torch.nn.Flatten().
type Flatten struct{ stateless }

// Forward flattens x.
func (Flatten) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return t.Flatten(x) }

// Identity returns its input (a placeholder, e.g. for a removed head).
type Identity struct{ stateless }

// Forward returns x.
func (Identity) Forward(_ *ag.Tape, x *ag.Var) *ag.Var { return x }

// Activation names an element-wise non-linearity, for configs.
type Activation int

// The activations.
const (
	ActReLU Activation = iota
	ActLeakyReLU
	ActGELU
	ActTanh
	ActSigmoid
	ActIdentity
)

func (a Activation) String() string {
	switch a {
	case ActReLU:
		return "relu"
	case ActLeakyReLU:
		return "leaky-relu"
	case ActGELU:
		return "gelu"
	case ActTanh:
		return "tanh"
	case ActSigmoid:
		return "sigmoid"
	case ActIdentity:
		return "identity"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// NewActivation returns the module for a (LeakyReLU with PyTorch's slope 0.01,
// exact GELU).
func NewActivation(a Activation) (Module, error) {
	switch a {
	case ActReLU:
		return ReLU{}, nil
	case ActLeakyReLU:
		return LeakyReLU{Slope: 0.01}, nil
	case ActGELU:
		return GELU{}, nil
	case ActTanh:
		return Tanh{}, nil
	case ActSigmoid:
		return Sigmoid{}, nil
	case ActIdentity:
		return Identity{}, nil
	}
	return nil, fmt.Errorf("nn: unknown activation %v", a)
}
