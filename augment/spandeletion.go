package augment

import (
	"fmt"
	"math/rand/v2"
)

// SpanDeletion deletes one contiguous span whose length is uniform in
// [1, max(1, floor(frac*n))] for a sequence of n tokens, at a uniform
// position (a span-level variant of word dropout, as in the span masking of
// SpanBERT, Joshi et al. 2019, arXiv 1907.10529). Sequences of one token are
// kept.
type SpanDeletion[T any] struct {
	frac float64
}

// NewSpanDeletion returns span deletion of at most frac of the tokens,
// frac in (0, 1).
func NewSpanDeletion[T any](frac float64) (*SpanDeletion[T], error) {
	if !(frac > 0 && frac < 1) {
		return nil, fmt.Errorf("augment: SpanDeletion: fraction %g not in (0, 1)", frac)
	}
	return &SpanDeletion[T]{frac: frac}, nil
}

// Apply draws the span length, then its start.
func (d *SpanDeletion[T]) Apply(rng *rand.Rand, dst, src []T) []T {
	dst = textDst("SpanDeletion", dst, src)
	n := len(src)
	if n <= 1 {
		copy(dst, src)
		return dst
	}
	maxLen := min(max(1, int(d.frac*float64(n))), n-1)
	l := 1 + rng.IntN(maxLen)
	a := rng.IntN(n - l + 1)
	copy(dst[:a], src[:a])
	copy(dst[a:], src[a+l:])
	return dst[:n-l]
}
