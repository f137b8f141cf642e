package recommend

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Split is a leave-last-out split by time with held-out cold items, indexed
// like the Dataset it came from.
//
// For every user with at least three interactions the last is the test item,
// the one before it the validation item and the rest are training items; a
// user with fewer has no validation or test item (-1) and trains on all.
// Cold items are removed from every training sequence, so that the model never
// sees an interaction with them; validation and test items may be cold.
type Split struct {
	Train       [][]int // per user, training items in time order, cold ones removed
	Valid, Test []int   // per user, the validation and test item, or -1
	Cold        []bool  // per item: held out of training
	NumCold     int
}

// SplitLeaveLastOut splits seqs (per user, item indices in [0, numItems) in time
// order) and holds out round(coldFrac × number of interacted items) items,
// drawn with seed from the items that have at least one interaction.
func SplitLeaveLastOut(seqs [][]int, numItems int, coldFrac float64, seed uint64) (*Split, error) {
	if !(coldFrac >= 0 && coldFrac < 1) {
		return nil, fmt.Errorf("recommend: cold fraction %v, want [0, 1)", coldFrac)
	}
	s := &Split{Train: make([][]int, len(seqs)), Valid: make([]int, len(seqs)), Test: make([]int, len(seqs)), Cold: make([]bool, numItems)}
	used := make([]bool, numItems)
	var interacted []int
	for u, seq := range seqs {
		for k, it := range seq {
			if it < 0 || it >= numItems {
				return nil, fmt.Errorf("recommend: user %d, interaction %d: item %d outside [0, %d)", u, k, it, numItems)
			}
			if !used[it] {
				used[it] = true
			}
		}
	}
	for it, ok := range used {
		if ok {
			interacted = append(interacted, it)
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0xc01d))
	rng.Shuffle(len(interacted), func(i, j int) { interacted[i], interacted[j] = interacted[j], interacted[i] })
	s.NumCold = int(math.Round(coldFrac * float64(len(interacted))))
	for _, it := range interacted[:s.NumCold] {
		s.Cold[it] = true
	}
	for u, seq := range seqs {
		s.Valid[u], s.Test[u] = -1, -1
		train := seq
		if len(seq) >= 3 {
			n := len(seq)
			s.Test[u], s.Valid[u] = seq[n-1], seq[n-2]
			train = seq[:n-2]
		}
		kept := make([]int, 0, len(train))
		for _, it := range train {
			if !s.Cold[it] {
				kept = append(kept, it)
			}
		}
		s.Train[u] = kept
	}
	return s, nil
}

// History returns the interactions of user u known at test time (training
// items, then the validation item, which may be cold) or, with forValid, at
// validation time (training items only). These are the model's input and the
// items excluded from the ranking.
func (s *Split) History(u int, forValid bool) []int {
	h := s.Train[u]
	if !forValid && s.Valid[u] >= 0 {
		h = append(h[:len(h):len(h)], s.Valid[u])
	}
	return h
}
