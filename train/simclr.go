package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// simCLR: two augmented views of each image through one encoder and projection
// head, NT-Xent over the 2B projections (Chen et al. 2020, arXiv 2002.05709).
type simCLR struct {
	net  *encoderWithHead
	loss loss.NTXent
}

func newSimCLR(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	l, err := loss.NewNTXent(float32(p.cfg.Loss.Temperature))
	if err != nil {
		return nil, err
	}
	return &simCLR{net: net, loss: l}, nil
}

func (m *simCLR) Loss(t *ag.Tape, b *Batch) *ag.Var { return m.loss.Forward(t, m.net.Forward(t, b.X)) }
func (m *simCLR) Encoder() nn.Module                { return m.net.enc }
func (m *simCLR) Net() nn.Module                    { return m.net }
func (m *simCLR) Trainable() []*ag.Var              { return m.net.Params() }
func (m *simCLR) AfterStep(float64)                 {}
func (m *simCLR) Sampling() Sampling                { return Sampling{Kind: SampleRandom, Views: 2} }
