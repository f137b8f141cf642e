package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/miner"
)

// Triplet is the triplet margin loss (Schroff et al. 2015, arXiv 1503.03832):
// for each mined triplet (a, p, n), max(0, d(a,p) - d(a,n) + margin), or with
// Soft the soft-margin form log(1 + exp(d(a,p) - d(a,n))) of Hermans et al. 2017.
// With a similarity (cosine, dot) the difference is s(a,n) - s(a,p).
type Triplet struct {
	Margin    float32
	Soft      bool
	Distance  distance.Distance
	Miner     miner.TripletMiner
	Reduction Reduction
}

// NewTriplet validates the parts.
func NewTriplet(margin float32, soft bool, d distance.Distance, m miner.TripletMiner, r Reduction) (Triplet, error) {
	if d == nil || m == nil {
		return Triplet{}, fmt.Errorf("loss: triplet needs a distance and a miner")
	}
	if margin < 0 || margin != margin {
		return Triplet{}, fmt.Errorf("loss: triplet margin must be >= 0, got %v", margin)
	}
	return Triplet{Margin: margin, Soft: soft, Distance: d, Miner: m, Reduction: r}, nil
}

// Forward returns the loss of embeddings emb (n, d) with class labels.
func (l Triplet) Forward(t *ag.Tape, emb *ag.Var, labels []int) *ag.Var {
	if emb.Value.Dims() != 2 || len(labels) != emb.Shape()[0] {
		panic(fmt.Sprintf("loss: Triplet: %d labels for embeddings %v", len(labels), emb.Shape()))
	}
	dm := l.Distance.Matrix(t, emb, emb)
	tr := l.Miner.MineTriplets(dm.Value, l.Distance.Similarity(), labels)
	ap := pick(t, dm, tr.Anchor, tr.Positive)
	an := pick(t, dm, tr.Anchor, tr.Negative)
	diff := t.Sub(ap, an)
	if l.Distance.Similarity() {
		diff = t.Sub(an, ap)
	}
	var per *ag.Var
	if l.Soft {
		per = t.Softplus(diff)
	} else {
		per = t.ReLU(t.AddScalar(diff, l.Margin))
	}
	return l.Reduction.reduce(t, per)
}
