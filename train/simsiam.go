package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// simSiam: one encoder and projector, a predictor on top, and a stop-gradient
// on the other view's projection, which is what keeps it from collapsing
// without negatives or a momentum encoder (Chen & He 2021, arXiv 2011.10566).
// Loss: (D(p1, sg(z2)) + D(p2, sg(z1)))/2 with D the negative cosine.
type simSiam struct {
	nn.Tree
	net       *encoderWithHead
	predictor nn.Module
}

func newSimSiam(p learnerParts) (Learner, error) {
	m := &simSiam{}
	net, dim, err := newEncoderWithHead(p, true)
	if err != nil {
		return nil, err
	}
	pred, err := NewMLPHead(dim, p.cfg.Head.PredHidden, dim, true, p.rng)
	if err != nil {
		return nil, err
	}
	m.net = nn.Add(&m.Tree, "net", net)
	m.predictor = nn.Add(&m.Tree, "predictor", pred)
	return m, nil
}

func (m *simSiam) Loss(t *ag.Tape, b *Batch) *ag.Var {
	z := m.net.Forward(t, b.X)
	p := m.predictor.Forward(t, z)
	zd := t.Detach(z)
	ps, zs := t.Split(p, 0, b.B, b.B), t.Split(zd, 0, b.B, b.B)
	var nc loss.NegCosine
	return t.Scale(t.Add(nc.Forward(t, ps[0], zs[1]), nc.Forward(t, ps[1], zs[0])), 0.5)
}

func (m *simSiam) AfterStep(float64)                     {}
func (m *simSiam) Encoder() nn.Module                    { return m.net.enc }
func (m *simSiam) Net() nn.Module                        { return m }
func (m *simSiam) Trainable() []*ag.Var                  { return m.Params() }
func (m *simSiam) Sampling() Sampling                    { return Sampling{Kind: SampleRandom, Views: 2} }
func (m *simSiam) Forward(t *ag.Tape, x *ag.Var) *ag.Var { return m.net.Forward(t, x) }
