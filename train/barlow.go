package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// twoViewLoss is a loss of two views' embeddings, (B, d) each.
type twoViewLoss interface {
	Forward(t *ag.Tape, z1, z2 *ag.Var) *ag.Var
}

// redundancy is the shape of Barlow Twins (Zbontar et al. 2021) and VICReg
// (Bardes et al. 2022): one encoder and projector, a loss on the two views'
// embeddings that needs neither negatives nor an asymmetric network.
type redundancy struct {
	net  *encoderWithHead
	loss twoViewLoss
}

func newBarlow(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, true)
	if err != nil {
		return nil, err
	}
	l, err := loss.NewBarlowTwins(float32(p.cfg.Loss.Lambda))
	if err != nil {
		return nil, err
	}
	return &redundancy{net: net, loss: l}, nil
}

func newVICReg(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, true)
	if err != nil {
		return nil, err
	}
	w := p.cfg.Loss.VICReg
	l, err := loss.NewVICReg(float32(w.Sim), float32(w.Var), float32(w.Cov))
	if err != nil {
		return nil, err
	}
	return &redundancy{net: net, loss: l}, nil
}

func (m *redundancy) Loss(t *ag.Tape, b *Batch) *ag.Var {
	z := t.Split(m.net.Forward(t, b.X), 0, b.B, b.B)
	return m.loss.Forward(t, z[0], z[1])
}
func (m *redundancy) AfterStep(float64)    {}
func (m *redundancy) Encoder() nn.Module   { return m.net.enc }
func (m *redundancy) Net() nn.Module       { return m.net }
func (m *redundancy) Trainable() []*ag.Var { return m.net.Params() }
func (m *redundancy) Sampling() Sampling   { return Sampling{Kind: SampleRandom, Views: 2} }
