package ag

import (
	"fmt"
	"slices"
)

// IndexSelect picks rows of a along axis 0: (n, ...) -> (len(idx), ...), with
// out[i] = a[idx[i]]. Indices may repeat (their gradients add up, a scatter-add),
// which makes it the lookup behind embeddings and memory banks. idx must stay
// unchanged until Backward.
func (t *Tape) IndexSelect(a *Var, idx []int) *Var {
	shape := a.Shape()
	if len(shape) == 0 {
		panic(fmt.Sprintf("ag: IndexSelect: needs at least one axis, got shape %v", shape))
	}
	n := shape[0]
	for i, k := range idx {
		if k < 0 || k >= n {
			panic(fmt.Sprintf("ag: IndexSelect: index %d (position %d) out of range for shape %v", k, i, shape))
		}
	}
	oshape := slices.Clone(shape)
	oshape[0] = len(idx)
	row := 1
	for _, d := range shape[1:] {
		row *= d
	}
	out := t.newVar("IndexSelect", oshape...)
	x, o := valueOf(a), out.Value.Data
	for i, k := range idx {
		copy(o[i*row:(i+1)*row], x[k*row:(k+1)*row])
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for i, k := range idx {
			addTo(dx[k*row:(k+1)*row], g[i*row:])
		}
	}, a)
	return out
}

// Gather picks, in every row along the last axis, the elements named by idx, as
// torch.gather(a, -1, index): a (..., m) and index (..., k) laid out row-major in
// idx (len(idx) = k times the number of rows), out[r, j] = a[r, idx[r*k+j]].
// The result has shape (..., k); repeated indices add their gradients. idx must
// stay unchanged until Backward.
func (t *Tape) Gather(a *Var, idx []int) *Var {
	shape := a.Shape()
	if len(shape) == 0 {
		panic(fmt.Sprintf("ag: Gather: needs at least one axis, got shape %v", shape))
	}
	m := shape[len(shape)-1]
	rows := 1
	for _, d := range shape[:len(shape)-1] {
		rows *= d
	}
	k := 0
	if rows > 0 {
		k = len(idx) / rows
	}
	if k*rows != len(idx) {
		panic(fmt.Sprintf("ag: Gather: %d indices do not fill whole rows of shape %v", len(idx), shape))
	}
	for i, j := range idx {
		if j < 0 || j >= m {
			panic(fmt.Sprintf("ag: Gather: index %d (position %d) out of range for shape %v", j, i, shape))
		}
	}
	oshape := slices.Clone(shape)
	oshape[len(oshape)-1] = k
	out := t.newVar("Gather", oshape...)
	x, o := valueOf(a), out.Value.Data
	for r := range rows {
		for j, c := range idx[r*k : (r+1)*k] {
			o[r*k+j] = x[r*m+c]
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for r := range rows {
			for j, c := range idx[r*k : (r+1)*k] {
				dx[r*m+c] += g[r*k+j]
			}
		}
	}, a)
	return out
}
