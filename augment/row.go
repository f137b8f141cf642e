package augment

import (
	"fmt"
	"math/rand/v2"
)

// Row is one augmentation of a tabular record of d float32 features. Apply
// reads src and writes dst, both of length d; dst may be the same slice as
// src. Implementations are immutable and safe for concurrent use with
// distinct rngs.
type Row interface {
	Apply(rng *rand.Rand, dst, src []float32)
}

// ComposeRows applies row transforms in order, the first from src into dst,
// the others in place on dst.
type ComposeRows struct {
	ts []Row
}

// NewComposeRows returns the composition of ts, first to last.
func NewComposeRows(ts ...Row) (*ComposeRows, error) {
	for i, t := range ts {
		if t == nil {
			return nil, fmt.Errorf("augment: ComposeRows: transform %d is nil", i)
		}
	}
	return &ComposeRows{ts: append([]Row(nil), ts...)}, nil
}

// Apply runs the pipeline.
func (c *ComposeRows) Apply(rng *rand.Rand, dst, src []float32) {
	checkRow("ComposeRows", dst, src)
	copyIfDistinct(dst, src)
	for _, t := range c.ts {
		t.Apply(rng, dst, dst)
	}
}

func checkRow(name string, dst, src []float32) {
	if len(dst) != len(src) {
		panic(fmt.Sprintf("augment: %s: dst length %d vs src length %d", name, len(dst), len(src)))
	}
}
