package eval

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Similarity chooses how query and reference embeddings are compared when
// ranking neighbours. Higher scores rank first.
type Similarity int

const (
	// Cosine ranks by cos(q, r) = <q, r> / (|q| |r|) (rows are L2-normalised first).
	Cosine Similarity = iota
	// InnerProduct ranks by <q, r> on the raw embeddings.
	InnerProduct
	// Euclidean ranks by -|q - r|² (nearest first), computed as 2<q, r> - |r|²
	// (the |q|² term is the same for every reference and is dropped).
	Euclidean
)

// String returns the lower-case name of s.
func (s Similarity) String() string {
	switch s {
	case Cosine:
		return "cosine"
	case InnerProduct:
		return "inner-product"
	case Euclidean:
		return "euclidean"
	}
	return fmt.Sprintf("Similarity(%d)", int(s))
}

func (s Similarity) valid() bool { return s >= Cosine && s <= Euclidean }

// scoreBudget is the number of float32 scores one chunk of queries may hold
// (32 MiB): the (queries, references) matrix is never materialised at once.
const scoreBudget = 1 << 23

// scorer compares query rows with a fixed reference set through Sgemm.
type scorer struct {
	sim   Similarity
	ref   []float32 // (nRef, d), normalised for Cosine
	nRef  int
	d     int
	refSq []float32 // |r|², Euclidean only
}

func newScorer(sim Similarity, ref Matrix) *scorer {
	s := &scorer{sim: sim, ref: ref.Data, nRef: ref.Rows, d: ref.Cols}
	switch sim {
	case Cosine:
		s.ref = normalizedRows(ref)
	case Euclidean:
		s.refSq = rowSqNorms(ref.Data, ref.Rows, ref.Cols)
	}
	return s
}

// queries returns the query data prepared for s (normalised for Cosine, shared otherwise).
func (s *scorer) queries(q Matrix) []float32 {
	if s.sim == Cosine {
		return normalizedRows(q)
	}
	return q.Data
}

// chunkRows is how many query rows fit the score budget (at least 1), or
// override when it is positive.
func (s *scorer) chunkRows(nq, override int) int {
	c := override
	if c <= 0 {
		c = max(1, scoreBudget/max(1, s.nRef))
	}
	return max(1, min(c, nq))
}

// scan computes scores for nq prepared query rows (q is (nq, d)) chunk rows at a
// time and calls visit(lo, hi, rows) concurrently on disjoint query ranges, rows
// holding the (hi-lo, nRef) scores of queries lo..hi-1. visit must not keep rows.
func (s *scorer) scan(q []float32, nq, chunk int, visit func(lo, hi int, rows []float32)) {
	buf := make([]float32, chunk*s.nRef)
	for c0 := 0; c0 < nq; c0 += chunk {
		m := min(chunk, nq-c0)
		block := buf[:m*s.nRef]
		alpha := float32(1)
		if s.sim == Euclidean {
			alpha = 2
		}
		kernels.Sgemm(false, true, m, s.nRef, s.d, alpha, q[c0*s.d:], s.d, s.ref, s.d, 0, block, s.nRef)
		if s.sim == Euclidean {
			kernels.Parallel(m, 1, func(lo, hi int) {
				for i := lo; i < hi; i++ {
					row := block[i*s.nRef : (i+1)*s.nRef]
					for j, r := range s.refSq {
						row[j] -= r
					}
				}
			})
		}
		kernels.Parallel(m, 1, func(lo, hi int) {
			visit(c0+lo, c0+hi, block[lo*s.nRef:hi*s.nRef])
		})
	}
}
