package miner

import (
	"fmt"

	"github.com/contrast-ml/contrast/tensor"
)

// Triplets are index tuples (Anchor[i], Positive[i], Negative[i]) into a batch.
type Triplets struct{ Anchor, Positive, Negative []int }

// Len is the number of triplets.
func (t Triplets) Len() int { return len(t.Anchor) }

// Add appends one triplet.
func (t *Triplets) Add(a, p, n int) {
	t.Anchor = append(t.Anchor, a)
	t.Positive = append(t.Positive, p)
	t.Negative = append(t.Negative, n)
}

// Pairs are positive pairs (A1[i], P[i]) and negative pairs (A2[i], N[i]).
type Pairs struct{ A1, P, A2, N []int }

// TripletMiner picks triplets from a distance (or similarity) table.
type TripletMiner interface {
	MineTriplets(dist *tensor.Tensor, similarity bool, labels []int) Triplets
	fmt.Stringer
}

// PairMiner picks positive and negative pairs.
type PairMiner interface {
	MinePairs(dist *tensor.Tensor, similarity bool, labels []int) Pairs
	fmt.Stringer
}

// table checks a square (n, n) table against n labels and returns its values.
func table(op string, dist *tensor.Tensor, labels []int) ([]float32, int) {
	n := len(labels)
	if dist.Dims() != 2 || dist.Shape[0] != n || dist.Shape[1] != n {
		panic(fmt.Sprintf("miner: %s: table %v for %d labels", op, dist.Shape, n))
	}
	return dist.Contiguous().Raw(), n
}

// closer reports whether value a means nearer than b.
func closer(a, b float32, similarity bool) bool {
	if similarity {
		return a > b
	}
	return a < b
}

// AllPairs returns every positive pair (i<j, same label) and every negative pair.
type AllPairs struct{}

func (AllPairs) String() string { return "all-pairs" }

// MinePairs lists all pairs of distinct rows.
func (AllPairs) MinePairs(dist *tensor.Tensor, _ bool, labels []int) Pairs {
	_, n := table("AllPairs", dist, labels)
	var p Pairs
	for i := range n {
		for j := i + 1; j < n; j++ {
			if labels[i] == labels[j] {
				p.A1, p.P = append(p.A1, i), append(p.P, j)
			} else {
				p.A2, p.N = append(p.A2, i), append(p.N, j)
			}
		}
	}
	return p
}
