package data

import (
	"fmt"
	"strings"
)

// NoDuplicates yields batches of sentence-pair indices in which no sentence
// occurs twice, compared after trimming and lower-casing. In-batch-negative
// losses (Multiple Negatives Ranking, Henderson et al. 2017, arXiv:1705.00652;
// the NT-Xent of SimCSE, Gao et al. 2021, arXiv:2104.08821) treat every other
// sentence in the batch as a negative, so a repeated sentence would be its own
// false negative.
//
// Each epoch holds every pair exactly once. The pairs are shuffled, and each
// batch takes, in that order, the waiting pairs that share no sentence with
// the batch so far; pairs that clash wait for a later batch. Batches are
// therefore at most batchSize long, and when some sentence occurs in many
// pairs the last batches of an epoch are short. A pair whose two sentences are
// equal is allowed (it clashes only with other pairs).
type NoDuplicates struct {
	a, b  []int // sentence ids of each pair
	nSent int
	batch int
	seed  uint64
}

// NewNoDuplicates returns a NoDuplicates sampler over the pairs p.
func NewNoDuplicates(p *ScoredPairs, batchSize int, seed uint64) (*NoDuplicates, error) {
	if batchSize < 1 {
		return nil, fmt.Errorf("data: no-duplicates sampler: batch size %d, want >= 1", batchSize)
	}
	ids := map[string]int{}
	id := func(s string) int {
		k := strings.ToLower(strings.TrimSpace(s))
		v, ok := ids[k]
		if !ok {
			v = len(ids)
			ids[k] = v
		}
		return v
	}
	s := &NoDuplicates{a: make([]int, p.Len()), b: make([]int, p.Len()), batch: batchSize, seed: seed}
	for i, q := range p.Pairs {
		s.a[i], s.b[i] = id(q.A), id(q.B)
	}
	s.nSent = len(ids)
	return s, nil
}

// Batches returns the batches of pair indices of epoch.
func (s *NoDuplicates) Batches(epoch int) [][]int {
	rng := epochRand(s.seed, streamNoDup, epoch)
	waiting := rng.Perm(len(s.a))
	stamp := make([]int, s.nSent) // stamp[id] == batch number + 1 when the sentence is in that batch
	var out [][]int
	for len(waiting) > 0 {
		mark := len(out) + 1
		batch := make([]int, 0, min(s.batch, len(waiting)))
		var later []int
		j := 0
		for ; j < len(waiting) && len(batch) < s.batch; j++ {
			p := waiting[j]
			if stamp[s.a[p]] == mark || stamp[s.b[p]] == mark {
				later = append(later, p)
				continue
			}
			stamp[s.a[p]], stamp[s.b[p]] = mark, mark
			batch = append(batch, p)
		}
		waiting = append(later, waiting[j:]...)
		out = append(out, batch)
	}
	return out
}
