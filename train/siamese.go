package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/nn"
)

// siamese: one shared network applied to both elements of balanced
// positive/negative pairs, with the contrastive loss of Hadsell, Chopra & LeCun
// 2006 on the Euclidean distance of the embeddings.
type siamese struct {
	net  *encoderWithHead
	loss loss.Contrastive
}

func newSiamese(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	l, err := loss.NewContrastive(float32(p.cfg.Loss.Margin), distance.Euclidean{}, loss.Mean)
	if err != nil {
		return nil, err
	}
	return &siamese{net: net, loss: l}, nil
}

func (m *siamese) Loss(t *ag.Tape, b *Batch) *ag.Var {
	e := m.net.Forward(t, b.X) // both elements of every pair in one pass
	parts := t.Split(e, 0, b.B, b.B)
	return m.loss.ForwardPairs(t, parts[0], parts[1], b.Similar)
}
func (m *siamese) Encoder() nn.Module   { return m.net.enc }
func (m *siamese) Net() nn.Module       { return m.net }
func (m *siamese) Trainable() []*ag.Var { return m.net.Params() }
func (m *siamese) AfterStep(float64)    {}
func (m *siamese) Sampling() Sampling   { return Sampling{Kind: SamplePairs, Views: 1} }

// Embedding is the network whose output the loss sees (encoder and head).
func (m *siamese) Embedding() nn.Module { return m.net }
