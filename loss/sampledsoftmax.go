package loss

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
)

// SampledSoftmax is the in-batch sampled softmax of two-tower retrieval with a
// per-key logit offset, which carries the logQ popularity correction of Yi et
// al. 2019 ("Sampling-Bias-Corrected Neural Modeling for Large Corpus Item
// Recommendations", RecSys): with queries q (n, d) and keys k (m, d) the logits
// are
//
//	s_ij = q_i·k_j / T + offset_j
//
// and the loss of row i is logsumexp_j s_ij - mean_{p in P(i)} s_ip, averaged
// over the rows that have a positive (P(i): keys whose label equals the
// query's). With offset_j = -log Q(j), Q(j) the probability that item j is
// sampled as a key (LogQOffsets), frequent items are not over-penalised as
// negatives merely for being sampled often, and the softmax estimates the
// full-corpus one without that bias. A nil offset gives InfoNCE without
// ExcludeSelf. Memory is bounded as InfoNCE's: the (n, m) table is computed in
// row chunks under Budget and recomputed in the backward pass.
type SampledSoftmax struct {
	Temperature float32
	// Budget bounds the bytes of one chunk of the logit table (DefaultBudget if 0).
	Budget int
}

// NewSampledSoftmax validates the temperature.
func NewSampledSoftmax(temperature float32) (SampledSoftmax, error) {
	if !(temperature > 0) || math.IsInf(float64(temperature), 0) {
		return SampledSoftmax{}, fmt.Errorf("loss: temperature must be positive and finite, got %v", temperature)
	}
	return SampledSoftmax{Temperature: temperature}, nil
}

// LogQOffsets returns -log(p) for each sampling probability (or unnormalised
// frequency: a constant factor shifts every logit of a row equally and leaves
// the loss unchanged). A p <= 0 panics: such a key could not have been sampled.
func LogQOffsets(p []float64) []float32 {
	out := make([]float32, len(p))
	for j, v := range p {
		if !(v > 0) || math.IsInf(v, 0) {
			panic(fmt.Sprintf("loss: LogQOffsets: probability %v at %d", v, j))
		}
		out[j] = float32(-math.Log(v))
	}
	return out
}

// Forward returns the scalar loss; offset has one entry per key, or is nil.
// It is InfoNCE's chunked computation with the offsets added to the logits;
// offset (like the labels) must not change before Backward.
func (l SampledSoftmax) Forward(t *ag.Tape, q, k *ag.Var, labelsQ, labelsK []int, offset []float32) *ag.Var {
	return InfoNCE(l).forward("SampledSoftmax", t, q, k, labelsQ, labelsK, false, offset)
}
