package data

import (
	"fmt"
	"math"
	"slices"
)

// StratifiedSplit picks about frac of the examples of each class at random with
// seed and returns the picked indices and the rest, each in increasing order.
// Class c with n_c examples contributes round(frac*n_c) examples, and at least
// one when frac > 0, so that every class is represented (1% of MNIST's 60,000
// training images gives 600 labels, 54-67 per class). Negative labels are
// treated as their own class. frac must be in [0, 1].
func StratifiedSplit(labels []int, frac float64, seed uint64) (picked, rest []int, err error) {
	if !(frac >= 0 && frac <= 1) {
		return nil, nil, fmt.Errorf("data: stratified split: fraction %v not in [0, 1]", frac)
	}
	byClass := map[int][]int{}
	var classes []int
	for i, l := range labels {
		if _, ok := byClass[l]; !ok {
			classes = append(classes, l)
		}
		byClass[l] = append(byClass[l], i)
	}
	slices.Sort(classes)
	rng := epochRand(seed, streamStratified, 0)
	take := make([]bool, len(labels))
	for _, c := range classes {
		members := byClass[c]
		k := int(math.Round(frac * float64(len(members))))
		if frac > 0 && k == 0 {
			k = 1
		}
		// Partial Fisher-Yates: the first k of a random permutation.
		for j := 0; j < k; j++ {
			r := j + rng.IntN(len(members)-j)
			members[j], members[r] = members[r], members[j]
			take[members[j]] = true
		}
	}
	for i, t := range take {
		if t {
			picked = append(picked, i)
		} else {
			rest = append(rest, i)
		}
	}
	return picked, rest, nil
}
