package eval

import (
	"fmt"
	"slices"
)

// checkLabels reports a label slice whose length differs from the n rows it labels.
func checkLabels(op, name string, labels []int, n int) error {
	if len(labels) != n {
		return fmt.Errorf("eval: %s: %d %s for %d rows: %w", op, len(labels), name, n, ErrShape)
	}
	return nil
}

// denseLabels maps arbitrary int labels (any sign, any range) to dense class ids
// 0..len(classes)-1 in ascending label order. It returns the sorted distinct labels
// and, for every input slice, its dense ids (same order as the inputs).
func denseLabels(sets ...[]int) (classes []int, dense [][]int) {
	for _, s := range sets {
		classes = append(classes, s...)
	}
	slices.Sort(classes)
	classes = slices.Compact(classes)
	id := make(map[int]int, len(classes))
	for i, c := range classes {
		id[c] = i
	}
	dense = make([][]int, len(sets))
	for k, s := range sets {
		d := make([]int, len(s))
		for i, l := range s {
			d[i] = id[l]
		}
		dense[k] = d
	}
	return classes, dense
}
