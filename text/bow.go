package text

import (
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
)

// bow is the bag-of-words body: the mean (or SIF average) of the token vectors,
// dropout, then the projection: (n, WordDim) -> (n, Out).
type bow struct {
	drop *nn.Dropout
	proj *nn.Sequential
}

func newBOW(spec ModelSpec, rng *rand.Rand) (*bow, error) {
	drop, err := nn.NewDropout(float32(spec.Dropout), spec.Seed^0xd0)
	if err != nil {
		return nil, err
	}
	proj, err := projection(spec.WordDim, spec.Hidden, spec.Out, spec.Activation, rng)
	if err != nil {
		return nil, err
	}
	return &bow{drop: drop, proj: proj}, nil
}

func (e *bow) encode(t *ag.Tape, m *Model, sents [][]unit) *ag.Var {
	var b bags
	b.sentenceBags(sents, m.weight.Data, m.Spec.Vocab)
	x := e.drop.Forward(t, m.lookup(t, &b))
	if e.proj != nil {
		x = e.proj.Forward(t, x)
	}
	return x
}

func (e *bow) params() []*ag.Var {
	if e.proj == nil {
		return nil
	}
	return e.proj.Params()
}

func (e *bow) setTraining(on bool) {
	e.drop.SetTraining(on)
	if e.proj != nil {
		e.proj.SetTraining(on)
	}
}
