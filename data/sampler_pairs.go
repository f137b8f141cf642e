package data

import "fmt"

// BalancedPairs yields batches of example pairs for Siamese training with the
// contrastive loss (Hadsell, Chopra & LeCun 2006, "Dimensionality Reduction by
// Learning an Invariant Mapping", CVPR): a batch of P pairs is the index list
// [a0, b0, a1, b1, ...], layout (P, 2), and a pair is positive when both
// examples share a label.
//
// Each epoch every example is the first element (anchor) of exactly one pair,
// anchors in random order. The pair at an even position of the epoch is
// positive (b a random other example of the anchor's class), at an odd
// position negative (b a random example of another class), so a batch of even
// size P holds exactly P/2 of each. An anchor whose class has one example
// always gets a negative, the only departure from balance.
type BalancedPairs struct {
	ci       *classIndex
	perBatch int
	seed     uint64
}

// NewBalancedPairs returns a BalancedPairs sampler over labels with
// pairsPerBatch pairs (2*pairsPerBatch indices) per batch. It needs at least
// two classes.
func NewBalancedPairs(labels []int, pairsPerBatch int, seed uint64) (*BalancedPairs, error) {
	ci := newClassIndex(labels)
	if pairsPerBatch < 1 || ci.numClasses() < 2 {
		return nil, fmt.Errorf("data: balanced pairs sampler: %d pairs per batch, %d classes; want >= 1 and >= 2", pairsPerBatch, ci.numClasses())
	}
	return &BalancedPairs{ci: ci, perBatch: pairsPerBatch, seed: seed}, nil
}

// Batches returns the pair batches of epoch, layout (P, 2) flattened.
func (s *BalancedPairs) Batches(epoch int) [][]int {
	rng := epochRand(s.seed, streamPairs, epoch)
	anchors := rng.Perm(len(s.ci.labels))
	flat := make([]int, 0, 2*len(anchors))
	for t, a := range anchors {
		c := s.ci.classOf(a)
		if t%2 == 0 && s.ci.start[c+1]-s.ci.start[c] >= 2 {
			flat = append(flat, a, s.ci.positive(rng, a))
		} else {
			flat = append(flat, a, s.ci.negative(rng, a))
		}
	}
	return chunk(flat, 2*s.perBatch, false)
}

// Triplets yields batches of (anchor, positive, negative) index triplets for
// the triplet loss (Schroff, Kalenichenko & Philbin 2015, "FaceNet",
// arXiv:1503.03832): a batch of T triplets is [a0, p0, n0, a1, ...], layout
// (T, 3), with label(p) = label(a), p != a and label(n) != label(a).
//
// Each epoch every example whose class has at least two examples is the anchor
// of exactly one triplet, in random order; positives and negatives are drawn
// uniformly from the anchor's class and from all other classes.
type Triplets struct {
	ci       *classIndex
	anchors  []int
	perBatch int
	seed     uint64
}

// NewTriplets returns a Triplets sampler over labels with triplets per batch.
// It needs two classes and a class with two examples.
func NewTriplets(labels []int, triplets int, seed uint64) (*Triplets, error) {
	ci := newClassIndex(labels)
	var anchors []int
	for i := range labels {
		c := ci.classOf(i)
		if ci.start[c+1]-ci.start[c] >= 2 {
			anchors = append(anchors, i)
		}
	}
	if triplets < 1 || ci.numClasses() < 2 || len(anchors) == 0 {
		return nil, fmt.Errorf("data: triplet sampler: %d triplets per batch, %d classes, %d possible anchors; want >= 1, >= 2 and > 0", triplets, ci.numClasses(), len(anchors))
	}
	return &Triplets{ci: ci, anchors: anchors, perBatch: triplets, seed: seed}, nil
}

// Batches returns the triplet batches of epoch, layout (T, 3) flattened.
func (s *Triplets) Batches(epoch int) [][]int {
	rng := epochRand(s.seed, streamTriplets, epoch)
	flat := make([]int, 0, 3*len(s.anchors))
	for _, k := range rng.Perm(len(s.anchors)) {
		a := s.anchors[k]
		flat = append(flat, a, s.ci.positive(rng, a), s.ci.negative(rng, a))
	}
	return chunk(flat, 3*s.perBatch, false)
}
