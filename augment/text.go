package augment

import (
	"fmt"
	"math/rand/v2"
)

// Text is one augmentation of a token sequence (ids or strings). Apply reads
// src and writes the result into dst[:n], returning it; dst must have
// capacity for len(src) tokens (no transform lengthens a sequence) and may be
// the same slice as src. Implementations are immutable and safe for
// concurrent use with distinct rngs.
type Text[T any] interface {
	Apply(rng *rand.Rand, dst, src []T) []T
}

// ComposeText applies text transforms in order; the first writes dst from
// src, the others work in place on dst.
type ComposeText[T any] struct {
	ts []Text[T]
}

// NewComposeText returns the composition of ts, first to last.
func NewComposeText[T any](ts ...Text[T]) (*ComposeText[T], error) {
	for i, t := range ts {
		if t == nil {
			return nil, fmt.Errorf("augment: ComposeText: transform %d is nil", i)
		}
	}
	return &ComposeText[T]{ts: append([]Text[T](nil), ts...)}, nil
}

// Apply runs the pipeline.
func (c *ComposeText[T]) Apply(rng *rand.Rand, dst, src []T) []T {
	dst = textDst("ComposeText", dst, src)
	copy(dst, src)
	for _, t := range c.ts {
		dst = t.Apply(rng, dst, dst)
	}
	return dst
}

// textDst checks dst's capacity and returns dst[:len(src)].
func textDst[T any](name string, dst, src []T) []T {
	if cap(dst) < len(src) {
		panic(fmt.Sprintf("augment: %s: dst capacity %d < src length %d", name, cap(dst), len(src)))
	}
	return dst[:len(src)]
}
