package data

import (
	"fmt"
	"slices"
)

// MPerClass yields batches of K classes with M examples each, batch size K*M,
// laid out (K, M): the M examples of the first class, then the next class.
// This is the "PK" batch of Hermans, Beyer & Leibe 2017 ("In Defense of the
// Triplet Loss for Person Re-Identification", arXiv:1703.07737) that batch-hard
// mining and supervised contrastive losses need: every anchor has positives.
//
// # Epoch
//
// An epoch ends as soon as every example has been drawn at least once. Each
// class keeps a random permutation of its examples and hands them out in
// turn; when it runs out it starts a fresh permutation (an example may thus be
// drawn twice in one epoch, never twice in one batch unless its class has fewer
// than M examples). Each batch takes K classes, first among those whose
// examples have not all been drawn yet, in random order, and fills the
// remaining places with random other classes.
type MPerClass struct {
	ci   *classIndex
	m, k int
	seed uint64
}

// NewMPerClass returns an MPerClass sampler over labels (any integers; each
// distinct value is a class). It needs m >= 1 and 1 <= k <= number of classes.
func NewMPerClass(labels []int, m, k int, seed uint64) (*MPerClass, error) {
	ci := newClassIndex(labels)
	if m < 1 || k < 1 || k > ci.numClasses() {
		return nil, fmt.Errorf("data: m-per-class sampler: m = %d, k = %d with %d classes; want m >= 1 and 1 <= k <= classes", m, k, ci.numClasses())
	}
	return &MPerClass{ci: ci, m: m, k: k, seed: seed}, nil
}

// BatchSize returns K*M.
func (s *MPerClass) BatchSize() int { return s.k * s.m }

// Batches returns the batches of epoch (see the type's Epoch section).
func (s *MPerClass) Batches(epoch int) [][]int {
	rng := epochRand(s.seed, streamMPerClass, epoch)
	nc := s.ci.numClasses()
	perm := make([][]int, nc)
	next := make([]int, nc)
	done := make([]bool, nc)
	for c := range nc {
		perm[c] = slices.Clone(s.ci.members(c))
		rng.Shuffle(len(perm[c]), func(i, j int) { perm[c][i], perm[c][j] = perm[c][j], perm[c][i] })
	}
	remaining := nc
	var out [][]int
	var open, closed []int
	for remaining > 0 {
		open, closed = open[:0], closed[:0]
		for c := range nc {
			if done[c] {
				closed = append(closed, c)
			} else {
				open = append(open, c)
			}
		}
		rng.Shuffle(len(open), func(i, j int) { open[i], open[j] = open[j], open[i] })
		rng.Shuffle(len(closed), func(i, j int) { closed[i], closed[j] = closed[j], closed[i] })
		pick := append(open[:min(s.k, len(open))], closed[:s.k-min(s.k, len(open))]...)
		batch := make([]int, 0, s.k*s.m)
		for _, c := range pick {
			start := len(batch)
			for range s.m {
				if next[c] == len(perm[c]) {
					rng.Shuffle(len(perm[c]), func(i, j int) { perm[c][i], perm[c][j] = perm[c][j], perm[c][i] })
					// Move the examples this batch already holds to the back of
					// the new permutation so that they are not drawn again now.
					moveToBack(perm[c], batch[start:])
					next[c] = 0
				}
				batch = append(batch, perm[c][next[c]])
				next[c]++
				if next[c] == len(perm[c]) && !done[c] {
					done[c] = true
					remaining--
				}
			}
		}
		out = append(out, batch)
	}
	return out
}

// moveToBack stably moves the elements of p that occur in avoid to its end.
func moveToBack(p, avoid []int) {
	if len(avoid) == 0 {
		return
	}
	var front, back []int
	for _, v := range p {
		if slices.Contains(avoid, v) {
			back = append(back, v)
		} else {
			front = append(front, v)
		}
	}
	copy(p, front)
	copy(p[len(front):], back)
}
