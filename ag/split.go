package ag

import "fmt"

// Split cuts a along axis (negative counts from the end) into consecutive parts
// of the given sizes, which must add up to the axis length; each part is a
// Slice. For example Split(z, 0, n, n) separates the two views of a batch of
// 2n embeddings (2n, d) into two (n, d).
func (t *Tape) Split(a *Var, axis int, sizes ...int) []*Var {
	ax := axisOf("Split", a.Shape(), axis)
	sum := 0
	for _, s := range sizes {
		if s < 0 {
			panic(fmt.Sprintf("ag: Split: negative size in %v for shape %v", sizes, a.Shape()))
		}
		sum += s
	}
	if sum != a.Shape()[ax] {
		panic(fmt.Sprintf("ag: Split: sizes %v do not add up to axis %d of shape %v", sizes, ax, a.Shape()))
	}
	parts := make([]*Var, len(sizes))
	lo := 0
	for i, s := range sizes {
		parts[i] = t.slice("Split", a, ax, lo, lo+s)
		lo += s
	}
	return parts
}
