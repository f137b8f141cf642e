package augment

import (
	"fmt"
	"math/rand/v2"
)

// WordDropout deletes each token independently with probability p, keeping
// one token, chosen at random, if all would go (the word dropout of Iyyer et
// al. 2015, "Deep Unordered Composition Rivals Syntactic Methods for Text
// Classification"; EDA's random deletion, Wei and Zou 2019, arXiv 1901.11196).
type WordDropout[T any] struct {
	p float64
}

// NewWordDropout returns word dropout with probability p in [0, 1).
func NewWordDropout[T any](p float64) (*WordDropout[T], error) {
	if !(p >= 0 && p < 1) {
		return nil, fmt.Errorf("augment: WordDropout: probability %g not in [0, 1)", p)
	}
	return &WordDropout[T]{p: p}, nil
}

// Apply draws one uniform number per token (and one index if all drop).
func (d *WordDropout[T]) Apply(rng *rand.Rand, dst, src []T) []T {
	dst = textDst("WordDropout", dst, src)
	n := len(src)
	if n == 0 {
		return dst
	}
	k := 0
	// Writes never pass reads, so dst may alias src.
	for i := 0; i < n; i++ {
		if rng.Float64() >= d.p {
			dst[k] = src[i]
			k++
		}
	}
	if k == 0 {
		// Every token was dropped; src[j] may already be overwritten only at
		// positions < k = 0, so it is intact.
		dst[0] = src[rng.IntN(n)]
		k = 1
	}
	return dst[:k]
}
