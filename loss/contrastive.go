package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/miner"
	"github.com/contrast-ml/contrast/tensor"
)

// Contrastive is the pairwise margin loss of Hadsell, Chopra & LeCun 2006:
// 0.5 * (y d^2 + (1-y) max(0, margin - d)^2) per pair, where y = 1 for similar
// pairs and d is the distance (Euclidean in the paper).
type Contrastive struct {
	Margin    float32
	Distance  distance.Distance
	Reduction Reduction
}

// NewContrastive validates the margin; the distance must not be a similarity.
func NewContrastive(margin float32, d distance.Distance, r Reduction) (Contrastive, error) {
	if d == nil || d.Similarity() {
		return Contrastive{}, fmt.Errorf("loss: contrastive needs a distance (euclidean or squared-euclidean), got %v", d)
	}
	if !(margin > 0) {
		return Contrastive{}, fmt.Errorf("loss: contrastive margin must be > 0, got %v", margin)
	}
	return Contrastive{Margin: margin, Distance: d, Reduction: r}, nil
}

// ForwardPairs returns the loss of pairs (a[i], b[i]), both (n, d); similar[i]
// says whether pair i is a positive.
func (l Contrastive) ForwardPairs(t *ag.Tape, a, b *ag.Var, similar []bool) *ag.Var {
	if len(similar) != a.Shape()[0] {
		panic(fmt.Sprintf("loss: Contrastive: %d pair labels for %v", len(similar), a.Shape()))
	}
	return l.perPair(t, l.Distance.Pairs(t, a, b), similar)
}

// Forward returns the loss over the pairs that the miner picks from emb (n, d).
func (l Contrastive) Forward(t *ag.Tape, emb *ag.Var, labels []int, m miner.PairMiner) *ag.Var {
	dm := l.Distance.Matrix(t, emb, emb)
	p := m.MinePairs(dm.Value, false, labels)
	rows := append(append([]int(nil), p.A1...), p.A2...)
	cols := append(append([]int(nil), p.P...), p.N...)
	similar := make([]bool, len(rows))
	for i := range p.A1 {
		similar[i] = true
	}
	return l.perPair(t, pick(t, dm, rows, cols), similar)
}

func (l Contrastive) perPair(t *ag.Tape, d *ag.Var, similar []bool) *ag.Var {
	n := len(similar)
	y, ny := tensor.New(n), tensor.New(n)
	for i, s := range similar {
		if s {
			y.Data[i] = 0.5
		} else {
			ny.Data[i] = 0.5
		}
	}
	hinge := t.ReLU(t.AddScalar(t.Scale(d, -1), l.Margin))
	per := t.Add(t.Mul(t.Mul(d, d), ag.Const(y)), t.Mul(t.Mul(hinge, hinge), ag.Const(ny)))
	return l.Reduction.reduce(t, per)
}
