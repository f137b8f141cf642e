package tensor

import (
	"fmt"
	"slices"
)

// Reshape returns a view of t with a new shape of the same size. One dimension may
// be -1 and is inferred. t must be contiguous (call Contiguous first otherwise).
func (t *Tensor) Reshape(shape ...int) *Tensor {
	shape = slices.Clone(shape)
	infer, known := -1, 1
	for i, d := range shape {
		if d == -1 {
			if infer >= 0 {
				panic(fmt.Sprintf("tensor: Reshape %v: more than one -1", shape))
			}
			infer = i
		} else {
			known *= d
		}
	}
	n := t.Numel()
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("tensor: Reshape: cannot reshape %v into %v", t.Shape, shape))
		}
		shape[infer] = n / known
	}
	if Numel(shape) != n {
		panic(fmt.Sprintf("tensor: Reshape: cannot reshape %v into %v", t.Shape, shape))
	}
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Reshape of a non-contiguous view %v (strides %v)", t.Shape, t.Strides))
	}
	return &Tensor{Data: t.Data, Shape: shape, Strides: ContiguousStrides(shape), Offset: t.Offset}
}

// Permute returns a view with the axes reordered: axis i of the result is axis perm[i] of t.
func (t *Tensor) Permute(perm ...int) *Tensor {
	if len(perm) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: Permute %v of shape %v", perm, t.Shape))
	}
	seen := make([]bool, len(perm))
	sh, st := make([]int, len(perm)), make([]int, len(perm))
	for i, p := range perm {
		if p < 0 || p >= len(perm) || seen[p] {
			panic(fmt.Sprintf("tensor: Permute %v is not a permutation of %d axes", perm, len(perm)))
		}
		seen[p] = true
		sh[i], st[i] = t.Shape[p], t.Strides[p]
	}
	return &Tensor{Data: t.Data, Shape: sh, Strides: st, Offset: t.Offset}
}

// Transpose returns a view with axes a and b swapped (negative axes count from the end).
func (t *Tensor) Transpose(a, b int) *Tensor {
	a, b = t.axis(a), t.axis(b)
	perm := make([]int, len(t.Shape))
	for i := range perm {
		perm[i] = i
	}
	perm[a], perm[b] = b, a
	return t.Permute(perm...)
}

// Slice returns a view of the elements lo..hi-1 along axis.
func (t *Tensor) Slice(axis, lo, hi int) *Tensor {
	axis = t.axis(axis)
	if lo < 0 || hi > t.Shape[axis] || lo > hi {
		panic(fmt.Sprintf("tensor: Slice [%d:%d] of axis %d with size %d (shape %v)", lo, hi, axis, t.Shape[axis], t.Shape))
	}
	sh := slices.Clone(t.Shape)
	sh[axis] = hi - lo
	return &Tensor{Data: t.Data, Shape: sh, Strides: slices.Clone(t.Strides), Offset: t.Offset + lo*t.Strides[axis]}
}

// Expand returns a broadcast view of t with the given shape: size-1 axes (and missing
// leading axes) repeat with stride 0.
func (t *Tensor) Expand(shape ...int) *Tensor {
	if len(shape) < len(t.Shape) {
		panic(fmt.Sprintf("tensor: Expand %v to fewer dims %v", t.Shape, shape))
	}
	lead := len(shape) - len(t.Shape)
	st := make([]int, len(shape))
	for i := range shape {
		if i < lead {
			continue
		}
		d := t.Shape[i-lead]
		switch {
		case d == shape[i]:
			st[i] = t.Strides[i-lead]
		case d == 1:
			st[i] = 0
		default:
			panic(fmt.Sprintf("tensor: Expand %v to %v", t.Shape, shape))
		}
	}
	return &Tensor{Data: t.Data, Shape: slices.Clone(shape), Strides: st, Offset: t.Offset}
}
