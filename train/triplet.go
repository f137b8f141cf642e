package train

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/miner"
	"github.com/contrast-ml/contrast/nn"
)

// tripletLearner: a triplet network, with triplets mined in each M-per-class
// batch (Schroff et al. 2015; Hermans et al. 2017). Embeddings are
// L2-normalised before the distance, as FaceNet does.
type tripletLearner struct {
	net  *encoderWithHead
	loss loss.Triplet
}

func newTripletLearner(p learnerParts) (Learner, error) {
	net, _, err := newEncoderWithHead(p, false)
	if err != nil {
		return nil, err
	}
	dk, err := distance.ParseKind(p.cfg.Loss.Distance)
	if err != nil {
		return nil, err
	}
	margin := float32(p.cfg.Loss.Margin)
	var mn miner.TripletMiner
	red := loss.Mean
	switch p.cfg.Loss.Miner {
	case MinerSemiHard:
		mn = miner.SemiHard{Margin: margin}
	case MinerBatchHard:
		mn = miner.BatchHard{}
	case MinerBatchAll:
		mn, red = miner.BatchAll{}, loss.MeanNonZero
	case MinerDistanceWeighted:
		dim := p.cfg.Encoder.Dim
		if p.cfg.Head.ProjDim > 0 {
			dim = p.cfg.Head.ProjDim
		}
		if mn, err = miner.NewDistanceWeighted(dim, 0.5, 1.4, p.cfg.Seed); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("train: unknown miner %v", p.cfg.Loss.Miner)
	}
	l, err := loss.NewTriplet(margin, false, distance.New(dk), mn, red)
	if err != nil {
		return nil, err
	}
	return &tripletLearner{net: net, loss: l}, nil
}

func (m *tripletLearner) Loss(t *ag.Tape, b *Batch) *ag.Var {
	return m.loss.Forward(t, t.L2Normalize(m.net.Forward(t, b.X), 1e-12), b.Labels)
}
func (m *tripletLearner) Encoder() nn.Module   { return m.net.enc }
func (m *tripletLearner) Net() nn.Module       { return m.net }
func (m *tripletLearner) Trainable() []*ag.Var { return m.net.Params() }
func (m *tripletLearner) AfterStep(float64)    {}
func (m *tripletLearner) Sampling() Sampling   { return Sampling{Kind: SampleMPerClass, Views: 1} }

// Embedding is the network whose output the loss sees (encoder and head).
func (m *tripletLearner) Embedding() nn.Module { return m.net }
