package loss

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
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
func (l SampledSoftmax) Forward(t *ag.Tape, q, k *ag.Var, labelsQ, labelsK []int, offset []float32) *ag.Var {
	if q.Value.Dims() != 2 || k.Value.Dims() != 2 || q.Shape()[1] != k.Shape()[1] {
		panic(fmt.Sprintf("loss: SampledSoftmax: shapes %v and %v", q.Shape(), k.Shape()))
	}
	n, m, d := q.Shape()[0], k.Shape()[0], q.Shape()[1]
	if len(labelsQ) != n || len(labelsK) != m || (offset != nil && len(offset) != m) {
		panic(fmt.Sprintf("loss: SampledSoftmax: %d query labels for %v, %d key labels and %d offsets for %v", len(labelsQ), q.Shape(), len(labelsK), len(offset), k.Shape()))
	}
	if !(l.Temperature > 0) {
		panic(fmt.Sprintf("loss: SampledSoftmax: temperature %v", l.Temperature))
	}
	scale := 1 / l.Temperature
	budget := l.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	chunk := max(1, min(n, budget/(4*max(m, 1))))
	qd, kd := q.Value.Data, k.Value.Data
	off := t.Scratch(m)
	if offset != nil {
		copy(off, offset)
	} else {
		clear(off)
	}

	npos := t.Scratch(n)
	valid := 0
	for i := range n {
		c := 0
		for _, lk := range labelsK {
			if lk == labelsQ[i] {
				c++
			}
		}
		npos[i] = float32(c)
		if c > 0 {
			valid++
		}
	}
	lse := t.Scratch(n)
	s := t.Scratch(chunk * m)
	// logits fills s with the logits of rows [r0, r1).
	logits := func(r0, r1 int) {
		kernels.Sgemm(false, true, r1-r0, m, d, scale, qd[r0*d:], d, kd, d, 0, s, m)
		for r := range r1 - r0 {
			row := s[r*m : (r+1)*m]
			for j, o := range off {
				row[j] += o
			}
		}
	}
	out := t.NewOutput("SampledSoftmax")
	var total float64
	for r0 := 0; r0 < n; r0 += chunk {
		r1 := min(n, r0+chunk)
		logits(r0, r1)
		rowLoss := t.Scratch(r1 - r0)
		kernels.Parallel(r1-r0, 16, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				i := r0 + r
				row := s[r*m : (r+1)*m]
				mx := float32(math.Inf(-1))
				for _, v := range row {
					mx = max(mx, v)
				}
				var sum, pos float64
				for j, v := range row {
					sum += math.Exp(float64(v - mx))
					if labelsK[j] == labelsQ[i] {
						pos += float64(v)
					}
				}
				lse[i] = mx + float32(math.Log(sum))
				rowLoss[r] = 0
				if npos[i] > 0 {
					rowLoss[r] = lse[i] - float32(pos/float64(npos[i]))
				}
			}
		})
		for _, v := range rowLoss {
			total += float64(v)
		}
	}
	if valid > 0 {
		total /= float64(valid)
	}
	out.Value.Data[0] = float32(total)

	t.Record(out, func(g []float32) {
		if valid == 0 {
			return
		}
		gq, gk := t.GradOf(q), t.GradOf(k)
		coef := g[0] / float32(valid)
		for r0 := 0; r0 < n; r0 += chunk {
			r1 := min(n, r0+chunk)
			logits(r0, r1)
			// s becomes dL/ds: coef * (softmax - positive/|P|); the offsets are
			// constants, so ds/dq and ds/dk are InfoNCE's.
			kernels.Parallel(r1-r0, 16, func(lo, hi int) {
				for r := lo; r < hi; r++ {
					i := r0 + r
					row := s[r*m : (r+1)*m]
					if npos[i] == 0 {
						clear(row)
						continue
					}
					inv := 1 / npos[i]
					for j, v := range row {
						p := float32(math.Exp(float64(v - lse[i])))
						if labelsK[j] == labelsQ[i] {
							p -= inv
						}
						row[j] = coef * p
					}
				}
			})
			if gq != nil {
				kernels.Sgemm(false, false, r1-r0, d, m, scale, s, m, kd, d, 1, gq[r0*d:], d)
			}
			if gk != nil {
				kernels.Sgemm(true, false, m, d, r1-r0, scale, s, m, qd[r0*d:], d, 1, gk, d)
			}
		}
	}, q, k)
	return out
}
