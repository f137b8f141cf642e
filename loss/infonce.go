package loss

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
)

// DefaultBudget is the default memory budget, in bytes, for one chunk of a
// similarity table.
const DefaultBudget = 64 << 20

// InfoNCE is the contrastive cross-entropy between queries q (n, d) and keys
// k (m, d): with s_ij = q_i.k_j / T, the loss of row i is
// logsumexp_j s_ij - mean_{p in P(i)} s_ip, averaged over rows that have a
// positive. P(i) is the set of keys whose label equals the query's label; with
// ExcludeSelf (q and k are the same rows), key i is neither a positive nor a
// negative of query i. One positive per row gives NT-Xent and MoCo; several give
// SupCon. Inputs are used as given: normalise them first for cosine similarity.
type InfoNCE struct {
	Temperature float32
	// Budget bounds the bytes of one chunk of the similarity table (DefaultBudget if 0).
	Budget int
}

// NewInfoNCE validates the temperature.
func NewInfoNCE(temperature float32) (InfoNCE, error) {
	if !(temperature > 0) || math.IsInf(float64(temperature), 0) {
		return InfoNCE{}, fmt.Errorf("loss: temperature must be positive and finite, got %v", temperature)
	}
	return InfoNCE{Temperature: temperature}, nil
}

// Forward returns the scalar loss.
func (l InfoNCE) Forward(t *ag.Tape, q, k *ag.Var, labelsQ, labelsK []int, excludeSelf bool) *ag.Var {
	return l.forward("InfoNCE", t, q, k, labelsQ, labelsK, excludeSelf, nil)
}

// forward is InfoNCE with an optional constant offset added to every logit of
// key j (SampledSoftmax's logQ correction); the offsets take no gradient.
func (l InfoNCE) forward(op string, t *ag.Tape, q, k *ag.Var, labelsQ, labelsK []int, excludeSelf bool, offset []float32) *ag.Var {
	if q.Value.Dims() != 2 || k.Value.Dims() != 2 || q.Shape()[1] != k.Shape()[1] {
		panic(fmt.Sprintf("loss: %s: shapes %v and %v", op, q.Shape(), k.Shape()))
	}
	n, m, d := q.Shape()[0], k.Shape()[0], q.Shape()[1]
	if len(labelsQ) != n || len(labelsK) != m || (excludeSelf && n != m) || (offset != nil && len(offset) != m) {
		panic(fmt.Sprintf("loss: %s: %d query labels for %v, %d key labels and %d offsets for %v (excludeSelf %v)", op, len(labelsQ), q.Shape(), len(labelsK), len(offset), k.Shape(), excludeSelf))
	}
	if !(l.Temperature > 0) {
		panic(fmt.Sprintf("loss: %s: temperature %v", op, l.Temperature))
	}
	scale := 1 / l.Temperature
	budget := l.Budget
	if budget <= 0 {
		budget = DefaultBudget
	}
	chunk := max(1, min(n, budget/(4*max(m, 1))))
	qd, kd := q.Value.Data, k.Value.Data

	npos := t.Scratch(n) // |P(i)|, as float
	valid := 0
	for i := range n {
		c := 0
		for j, lk := range labelsK {
			if lk == labelsQ[i] && !(excludeSelf && i == j) {
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
	// sims fills s with the scaled similarities of rows [r0, r1).
	sims := func(r0, r1 int) {
		kernels.Sgemm(false, true, r1-r0, m, d, scale, qd[r0*d:], d, kd, d, 0, s, m)
		if offset != nil {
			for r := range r1 - r0 {
				row := s[r*m : (r+1)*m]
				for j, o := range offset {
					row[j] += o
				}
			}
		}
	}
	out := t.NewOutput(op)
	var total float64
	for r0 := 0; r0 < n; r0 += chunk {
		r1 := min(n, r0+chunk)
		sims(r0, r1)
		rowLoss := t.Scratch(r1 - r0)
		kernels.Parallel(r1-r0, 16, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				i := r0 + r
				row := s[r*m : (r+1)*m]
				mx := float32(math.Inf(-1))
				for j, v := range row {
					if !(excludeSelf && j == i) && v > mx {
						mx = v
					}
				}
				var sum, pos float64
				for j, v := range row {
					if excludeSelf && j == i {
						continue
					}
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
			sims(r0, r1) // recomputed rather than held: one chunk of memory, whatever n
			// s becomes dL/ds for the chunk: coef * (softmax - positive/|P|).
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
						if excludeSelf && j == i {
							row[j] = 0
							continue
						}
						p := float32(math.Exp(float64(v - lse[i])))
						if labelsK[j] == labelsQ[i] {
							p -= inv
						}
						row[j] = coef * p
					}
				}
			})
			// ds/dq = scale*k, ds/dk = scale*q.
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
