package eval

import (
	"cmp"
	"slices"
)

// argsortAsc returns the indices of x in ascending order of value, ties by index.
func argsortAsc(x []float64) []int {
	idx := make([]int, len(x))
	for i := range idx {
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int {
		if c := cmp.Compare(x[a], x[b]); c != 0 {
			return c
		}
		return a - b
	})
	return idx
}
