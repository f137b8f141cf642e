package augment

import "math/rand/v2"

// AdjacentSwap walks the sequence and swaps each pair of neighbours with
// probability p, a swapped token not moving again; the multiset of tokens is
// kept (local word-order noise, as in Lample et al. 2018's noise model for
// unsupervised translation, arXiv 1711.00043).
type AdjacentSwap[T any] struct {
	p float64
}

// NewAdjacentSwap returns adjacent swapping with probability p in [0, 1].
func NewAdjacentSwap[T any](p float64) (*AdjacentSwap[T], error) {
	if err := checkProb("AdjacentSwap", p); err != nil {
		return nil, err
	}
	return &AdjacentSwap[T]{p: p}, nil
}

// Apply draws one uniform number per position considered.
func (d *AdjacentSwap[T]) Apply(rng *rand.Rand, dst, src []T) []T {
	dst = textDst("AdjacentSwap", dst, src)
	copy(dst, src)
	for i := 0; i+1 < len(dst); i++ {
		if rng.Float64() < d.p {
			dst[i], dst[i+1] = dst[i+1], dst[i]
			i++
		}
	}
	return dst
}
