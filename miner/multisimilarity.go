package miner

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/tensor"
)

// MultiSimilarity is the pair-mining step of the multi-similarity loss (Wang,
// Han, Huang, Dong & Scott 2019, arXiv 1904.06627). With S the similarity, for
// each anchor i it keeps
//
//   - the negative pairs (i, j) with S_ij + Epsilon > min over positives k of S_ik,
//   - the positive pairs (i, k) with S_ik - Epsilon < max over negatives j of S_ij,
//
// that is the negatives that come within Epsilon of i's hardest positive and
// the positives that come within Epsilon of its hardest negative. An anchor
// with no positive (k != i, same label) or no negative keeps nothing.
//
// With a similarity table (sim=true, e.g. cosine) S is the table itself; with a
// distance table S = -d, so the rules read d_ij - Epsilon < max_k d_ik and
// d_ik + Epsilon > min_j d_ij. The pairs are ordered (anchor first), so (i, k)
// and (k, i) may both appear; they are listed anchor by anchor, in index order.
// NaN entries are never kept and do not take part in the min and max.
type MultiSimilarity struct{ Epsilon float32 }

// NewMultiSimilarity validates epsilon: finite and >= 0 (the paper uses 0.1).
func NewMultiSimilarity(epsilon float32) (MultiSimilarity, error) {
	if !(epsilon >= 0) || math.IsInf(float64(epsilon), 1) {
		return MultiSimilarity{}, fmt.Errorf("miner: multi-similarity epsilon must be finite and >= 0, got %v", epsilon)
	}
	return MultiSimilarity{Epsilon: epsilon}, nil
}

func (m MultiSimilarity) String() string {
	return fmt.Sprintf("multi-similarity(epsilon=%g)", m.Epsilon)
}

// MinePairs returns the kept positive pairs (A1, P) and negative pairs (A2, N)
// of a (n, n) table for n labels.
func (m MultiSimilarity) MinePairs(dist *tensor.Tensor, sim bool, labels []int) Pairs {
	d, n := table("MultiSimilarity", dist, labels)
	s := func(v float32) float32 {
		if sim {
			return v
		}
		return -v
	}
	var p Pairs
	for i := range n {
		row := d[i*n : (i+1)*n]
		// Comparisons, not the min and max builtins, so that NaN is skipped.
		var minPos, maxNeg float32
		hasPos, hasNeg := false, false
		for j, v := range row {
			if j == i || v != v {
				continue
			}
			if labels[j] == labels[i] {
				if !hasPos || s(v) < minPos {
					minPos, hasPos = s(v), true
				}
			} else if !hasNeg || s(v) > maxNeg {
				maxNeg, hasNeg = s(v), true
			}
		}
		if !hasPos || !hasNeg {
			continue // no positive or no negative (or only NaN ones)
		}
		for j, v := range row {
			if j == i {
				continue
			}
			if labels[j] == labels[i] {
				if s(v)-m.Epsilon < maxNeg {
					p.A1, p.P = append(p.A1, i), append(p.P, j)
				}
			} else if s(v)+m.Epsilon > minPos {
				p.A2, p.N = append(p.A2, i), append(p.N, j)
			}
		}
	}
	return p
}
