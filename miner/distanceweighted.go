package miner

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync/atomic"

	"github.com/contrast-ml/contrast/tensor"
)

// DistanceWeighted is distance-weighted sampling (Wu, Manmatha, Smola &
// Krähenbühl 2017, "Sampling Matters in Deep Embedding Learning", arXiv
// 1706.07567) for L2-normalised embeddings of dimension Dim compared by
// Euclidean distance. For every positive pair (a, p) it samples one negative n
// with probability proportional to min(λ, q(d)⁻¹), where d = d(a, n) and
//
//	log q(d) = (Dim-2)·log d + ((Dim-3)/2)·log(1 - d²/4)
//
// is the density of distances between uniform points on the unit sphere: the
// sampler spreads its negatives over all distances instead of drawing the many
// near-√2 ones that uniform sampling gives. As in the authors' code, d is
// clipped below at Cutoff, and that clip is the cap λ = q(Cutoff)⁻¹ (q rises on
// (0, √2)); negatives with d >= NonzeroLossCutoff, which give a margin loss of
// zero, are never sampled, and a pair whose negatives are all that far is
// skipped. The paper uses Cutoff 0.5 and NonzeroLossCutoff 1.4.
//
// With a similarity table (sim=true) the entries are taken as cosine
// similarities s and turned into d = sqrt(max(2 - 2s, 0)), the distance of
// unit vectors. Weights are computed in float64 log space relative to the
// largest, so a large Dim (q⁻¹ up to 0.5⁻²⁰⁴⁶ at Dim 2048) does not overflow;
// weights below 1e-308 of the largest then count as zero.
//
// # Determinism
//
// The k-th call (counting from 0) of MineTriplets on a miner draws from
// rand.NewPCG(Seed, k), so a fresh miner with the same fields fed the same
// tables and labels in the same order returns the same triplets. The call
// counter is atomic: concurrent calls are safe, but which call gets which k is
// then up to the scheduler. Build it with NewDistanceWeighted and share it by
// pointer (it must not be copied after its first call).
type DistanceWeighted struct {
	Dim               int     // embedding dimension n, >= 2
	Cutoff            float32 // distances are clipped below at this (0.5 in the paper)
	NonzeroLossCutoff float32 // negatives at this distance or more are excluded (1.4)
	Seed              uint64

	calls atomic.Uint64
}

// NewDistanceWeighted validates the parameters: dim >= 2 and
// 0 < cutoff < nonzeroLossCutoff < 2 (the diameter of the unit sphere).
func NewDistanceWeighted(dim int, cutoff, nonzeroLossCutoff float32, seed uint64) (*DistanceWeighted, error) {
	m := &DistanceWeighted{Dim: dim, Cutoff: cutoff, NonzeroLossCutoff: nonzeroLossCutoff, Seed: seed}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

func (m *DistanceWeighted) validate() error {
	if m.Dim < 2 {
		return fmt.Errorf("miner: distance-weighted needs an embedding dimension >= 2, got %d", m.Dim)
	}
	// The negated comparisons also reject NaN.
	if !(m.Cutoff > 0 && m.Cutoff < m.NonzeroLossCutoff && m.NonzeroLossCutoff < 2) {
		return fmt.Errorf("miner: distance-weighted needs 0 < cutoff < nonzero-loss cutoff < 2, got %v and %v",
			m.Cutoff, m.NonzeroLossCutoff)
	}
	return nil
}

func (m *DistanceWeighted) String() string {
	return fmt.Sprintf("distance-weighted(dim=%d, cutoff=%g, nonzero-loss-cutoff=%g, seed=%d)",
		m.Dim, m.Cutoff, m.NonzeroLossCutoff, m.Seed)
}

// MineTriplets returns at most one triplet per positive pair (a, p), a != p,
// in the order of a, then p. dist is (n, n) for n labels. It panics on a
// miner whose fields NewDistanceWeighted would reject.
func (m *DistanceWeighted) MineTriplets(dist *tensor.Tensor, sim bool, labels []int) Triplets {
	d, n := table("DistanceWeighted", dist, labels)
	if err := m.validate(); err != nil {
		panic(err.Error())
	}
	rng := rand.New(rand.NewPCG(m.Seed, m.calls.Add(1)-1))
	var t Triplets
	var idx []int
	var cum []float64
	for a := range n {
		idx, cum = m.weights(d[a*n:(a+1)*n], sim, labels, a, idx[:0], cum[:0])
		if len(idx) == 0 {
			continue
		}
		for i := 1; i < len(cum); i++ {
			cum[i] += cum[i-1]
		}
		total := cum[len(cum)-1]
		for p := range n {
			if p == a || labels[p] != labels[a] {
				continue
			}
			u := rng.Float64() * total
			k := len(cum) - 1 // rounding can leave u >= every cum but the last
			for i, c := range cum {
				if u < c {
					k = i
					break
				}
			}
			t.Add(a, p, idx[k])
		}
	}
	return t
}

// weights appends to idx the eligible negatives of anchor a (row is a's row of
// the table) and to w their weights, scaled so that the largest is 1.
func (m *DistanceWeighted) weights(row []float32, sim bool, labels []int, a int, idx []int, w []float64) ([]int, []float64) {
	first := len(w)
	nd := float64(m.Dim)
	cut, far := float64(m.Cutoff), float64(m.NonzeroLossCutoff)
	top := math.Inf(-1)
	for j, v := range row {
		if labels[j] == labels[a] {
			continue
		}
		dj := float64(v)
		if sim {
			dj = math.Sqrt(max(2-2*dj, 0))
		}
		if !(dj < far) { // also drops NaN
			continue
		}
		dj = max(dj, cut)
		lw := -(nd-2)*math.Log(dj) - (nd-3)/2*math.Log1p(-dj*dj/4) // log q(d)⁻¹
		idx, w = append(idx, j), append(w, lw)
		top = max(top, lw)
	}
	for i := first; i < len(w); i++ {
		w[i] = math.Exp(w[i] - top)
	}
	return idx, w
}
