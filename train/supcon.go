package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// supConLearner: two views per image, every same-class view a positive
// (Khosla et al. 2020, arXiv 2004.11362).
type supConLearner struct {
	net    *encoderWithHead
	loss   loss.SupCon
	labels []int
}

func newSupConLearner(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	l, err := loss.NewSupCon(float32(p.cfg.Loss.Temperature))
	if err != nil {
		return nil, err
	}
	return &supConLearner{net: net, loss: l}, nil
}

func (m *supConLearner) Loss(t *ag.Tape, b *Batch) *ag.Var {
	m.labels = m.labels[:0]
	for range b.V {
		m.labels = append(m.labels, b.Labels...)
	}
	return m.loss.Forward(t, m.net.Forward(t, b.X), m.labels)
}
func (m *supConLearner) Encoder() nn.Module   { return m.net.enc }
func (m *supConLearner) Net() nn.Module       { return m.net }
func (m *supConLearner) Trainable() []*ag.Var { return m.net.Params() }
func (m *supConLearner) AfterStep(float64)    {}
func (m *supConLearner) Sampling() Sampling   { return Sampling{Kind: SampleRandom, Views: 2} }
