package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Dropout zeroes each element with probability P during training and scales the
// rest by 1/(1-P) (Srivastava et al. 2014); in evaluation it is the identity.
// Its masks come from its own generator, seeded at construction.
type Dropout struct {
	P    float32
	rng  *rand.Rand
	eval bool
}

// NewDropout returns a dropout layer with probability p in [0, 1] and a mask
// generator seeded with seed.
func NewDropout(p float32, seed uint64) (*Dropout, error) {
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("nn: Dropout: probability %v outside [0, 1]", p)
	}
	return &Dropout{P: p, rng: tensor.NewRNG(seed)}, nil
}

// Forward applies dropout in training and returns x unchanged in evaluation.
func (d *Dropout) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	if d.eval || d.P == 0 {
		return x
	}
	return t.Dropout(x, d.P, d.rng)
}

// Params returns nil.
func (d *Dropout) Params() []*ag.Var { return nil }

// Buffers returns nil.
func (d *Dropout) Buffers() []*Buffer { return nil }

// SetTraining turns dropout on (true) or off.
func (d *Dropout) SetTraining(training bool) { d.eval = !training }
