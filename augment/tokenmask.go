package augment

import "math/rand/v2"

// TokenMask replaces each token independently with probability p by a mask
// token (BERT's masked-language-model corruption, Devlin et al. 2018, arXiv
// 1810.04805, without the random/keep split).
type TokenMask[T any] struct {
	p    float64
	mask T
}

// NewTokenMask returns token masking with probability p in [0, 1].
func NewTokenMask[T any](p float64, mask T) (*TokenMask[T], error) {
	if err := checkProb("TokenMask", p); err != nil {
		return nil, err
	}
	return &TokenMask[T]{p: p, mask: mask}, nil
}

// Apply draws one uniform number per token.
func (d *TokenMask[T]) Apply(rng *rand.Rand, dst, src []T) []T {
	dst = textDst("TokenMask", dst, src)
	for i, t := range src {
		if rng.Float64() < d.p {
			t = d.mask
		}
		dst[i] = t
	}
	return dst
}
