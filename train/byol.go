package train

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// byol: an online network (encoder, projector, predictor) learns to predict a
// target network's projection of the other view; the target is an exponential
// moving average of the online encoder and projector, with the momentum raised
// from EMA to 1 on a cosine schedule. No negatives (Grill et al. 2020, arXiv
// 2006.07733). The loss is symmetric: 2 + 2*NegCosine for each view order.
type byol struct {
	nn.Tree
	online, target *encoderWithHead
	predictor      nn.Module
	base           float64
}

func newBYOL(p learnerParts) (Learner, error) {
	m := &byol{base: p.cfg.Loss.EMA}
	online, dim, err := newEncoderWithHead(p, true)
	if err != nil {
		return nil, err
	}
	target, _, err := newEncoderWithHead(p, true)
	if err != nil {
		return nil, err
	}
	pred, err := NewMLPHead(dim, p.cfg.Head.PredHidden, dim, true, p.rng)
	if err != nil {
		return nil, err
	}
	m.online = nn.Add(&m.Tree, "online", online)
	m.predictor = nn.Add(&m.Tree, "predictor", pred)
	m.target = nn.Add(&m.Tree, "target", target)
	if err := nn.CopyParams(m.target, m.online); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *byol) Loss(t *ag.Tape, b *Batch) *ag.Var {
	p := m.predictor.Forward(t, m.online.Forward(t, b.X))
	z := t.Detach(m.target.Forward(t, b.X)) // the target gets no gradient
	ps, zs := t.Split(p, 0, b.B, b.B), t.Split(z, 0, b.B, b.B)
	var nc loss.NegCosine
	l := t.Add(nc.Forward(t, ps[0], zs[1]), nc.Forward(t, ps[1], zs[0]))
	return t.AddScalar(t.Scale(l, 2), 4) // (2 + 2 NegCosine) per direction
}

// AfterStep moves the target towards the online network with momentum
// tau = 1 - (1 - base)(cos(pi*progress) + 1)/2.
func (m *byol) AfterStep(progress float64) {
	tau := 1 - (1-m.base)*(math.Cos(math.Pi*progress)+1)/2
	if err := nn.EMA(m.target, m.online, tau); err != nil {
		panic(err) // the architectures are equal by construction
	}
}

func (m *byol) Encoder() nn.Module { return m.online.enc }
func (m *byol) Net() nn.Module     { return m }
func (m *byol) Trainable() []*ag.Var {
	return append(append([]*ag.Var(nil), m.online.Params()...), m.predictor.Params()...)
}
func (m *byol) Sampling() Sampling { return Sampling{Kind: SampleRandom, Views: 2} }

// Forward is not used: byol is a container of its networks.
func (m *byol) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return m.online.Forward(t, x) }
