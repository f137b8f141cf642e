package nn

import (
	"math"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Linear is the affine map y = x Wᵀ + b of torch.nn.Linear: x (..., In) to
// (..., Out), with Weight (Out, In) and Bias (Out) or nil. Parameters "weight"
// and "bias".
type Linear struct {
	stateless
	Weight, Bias *ag.Var
}

// NewLinear returns a Linear layer initialised as PyTorch's: weight and bias
// U(±1/sqrt(in)).
func NewLinear(in, out int, bias bool, rng *rand.Rand) (*Linear, error) {
	if err := checkPositive("Linear", "in", in, "out", out); err != nil {
		return nil, err
	}
	l := &Linear{Weight: ag.Param("weight", tensor.New(out, in).KaimingUniform(rng, in))}
	if bias {
		l.Bias = ag.Param("bias", uniformBias(rng, out, in))
	}
	return l, nil
}

// uniformBias is PyTorch's bias initialisation, U(±1/sqrt(fanIn)).
func uniformBias(rng *rand.Rand, n, fanIn int) *tensor.Tensor {
	b := float32(1 / math.Sqrt(float64(fanIn)))
	return tensor.New(n).Uniform(rng, -b, b)
}

// Forward applies the layer to x (..., In).
func (l *Linear) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if x.Value.Dims() == 2 {
		return t.Linear(x, l.Weight, l.Bias)
	}
	s := x.Shape()
	if len(s) == 0 {
		panic("nn: Linear of a scalar")
	}
	lead := append([]int(nil), s[:len(s)-1]...)
	y := t.Linear(t.Reshape(x, -1, s[len(s)-1]), l.Weight, l.Bias)
	return t.Reshape(y, append(lead, l.Weight.Shape()[0])...)
}

// Params returns weight and, when present, bias.
func (l *Linear) Params() []*ag.Var { return present(l.Weight, l.Bias) }

func present(vs ...*ag.Var) []*ag.Var {
	out := vs[:0:0]
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out
}
