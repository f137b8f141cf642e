package augment

import (
	"fmt"
	"math/rand/v2"
)

// SCARF corrupts a record as Bahri, Jiang, Tay and Metzler 2022 ("SCARF:
// Self-Supervised Contrastive Learning using Random Feature Corruption",
// arXiv 2106.15147): a uniformly random subset of round(rate*d) features is
// replaced, each by a draw from that feature's empirical marginal
// distribution (the value of the feature in a uniformly random training row).
// The paper's default rate is 0.6.
type SCARF struct {
	m    *Marginals
	rate float64
	k    int // features replaced per record
}

// NewSCARF returns SCARF corruption of a fraction rate in [0, 1] of the
// features, drawing from m.
func NewSCARF(m *Marginals, rate float64) (*SCARF, error) {
	if m == nil {
		return nil, fmt.Errorf("augment: SCARF: nil marginals")
	}
	if err := checkProb("SCARF", rate); err != nil {
		return nil, err
	}
	k := int(rate*float64(m.d) + 0.5)
	return &SCARF{m: m, rate: rate, k: k}, nil
}

// Replaced returns the number of features replaced per record.
func (s *SCARF) Replaced() int { return s.k }

// Apply chooses the subset by selection sampling (Knuth's Algorithm S: one
// uniform draw per feature considered, no scratch memory) and draws each
// replacement as it is chosen.
func (s *SCARF) Apply(rng *rand.Rand, dst, src []float32) {
	checkRow("SCARF", dst, src)
	if len(src) != s.m.d {
		panic(fmt.Sprintf("augment: SCARF: row of %d features, marginals have %d", len(src), s.m.d))
	}
	need := s.k
	for j, v := range src {
		if need > 0 && rng.IntN(s.m.d-j) < need {
			v = s.m.Sample(rng, j)
			need--
		}
		dst[j] = v
	}
}
