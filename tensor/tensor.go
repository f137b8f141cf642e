package tensor

import (
	"fmt"
	"slices"
)

// Tensor is an N-dimensional float32 array: a view (Shape, Strides, Offset) over Data.
// The zero-dimensional tensor (a scalar) has an empty shape and one element.
type Tensor struct {
	Data    []float32
	Shape   []int
	Strides []int
	Offset  int
}

// New returns a zero-filled contiguous tensor of the given shape.
func New(shape ...int) *Tensor {
	n := Numel(shape)
	return &Tensor{Data: make([]float32, n), Shape: slices.Clone(shape), Strides: ContiguousStrides(shape)}
}

// FromSlice wraps data (not copied) as a contiguous tensor of the given shape.
// It panics when len(data) differs from the product of shape.
func FromSlice(data []float32, shape ...int) *Tensor {
	if n := Numel(shape); n != len(data) {
		panic(fmt.Sprintf("tensor: FromSlice: %d values for shape %v (%d elements)", len(data), shape, n))
	}
	return &Tensor{Data: data, Shape: slices.Clone(shape), Strides: ContiguousStrides(shape)}
}

// Scalar returns a zero-dimensional tensor holding v.
func Scalar(v float32) *Tensor { return &Tensor{Data: []float32{v}} }

// Full returns a contiguous tensor of the given shape filled with v.
func Full(v float32, shape ...int) *Tensor {
	t := New(shape...)
	t.Fill(v)
	return t
}

// Numel is the number of elements of a shape (1 for the empty shape).
func Numel(shape []int) int {
	n := 1
	for _, d := range shape {
		if d < 0 {
			panic(fmt.Sprintf("tensor: negative dimension in shape %v", shape))
		}
		n *= d
	}
	return n
}

// ContiguousStrides returns the row-major strides of shape.
func ContiguousStrides(shape []int) []int {
	st := make([]int, len(shape))
	s := 1
	for i := len(shape) - 1; i >= 0; i-- {
		st[i] = s
		s *= shape[i]
	}
	return st
}

// Numel is the number of elements of t.
func (t *Tensor) Numel() int { return Numel(t.Shape) }

// Dims is the number of dimensions of t.
func (t *Tensor) Dims() int { return len(t.Shape) }

// Dim returns the size of axis i; negative i counts from the end.
func (t *Tensor) Dim(i int) int { return t.Shape[t.axis(i)] }

func (t *Tensor) axis(i int) int {
	a := i
	if a < 0 {
		a += len(t.Shape)
	}
	if a < 0 || a >= len(t.Shape) {
		panic(fmt.Sprintf("tensor: axis %d out of range for shape %v", i, t.Shape))
	}
	return a
}

// IsContiguous reports whether t is row-major with no gaps, starting anywhere in Data.
func (t *Tensor) IsContiguous() bool {
	s := 1
	for i := len(t.Shape) - 1; i >= 0; i-- {
		if t.Shape[i] != 1 && t.Strides[i] != s {
			return false
		}
		s *= t.Shape[i]
	}
	return true
}

// Raw returns the elements of a contiguous tensor as a slice sharing its storage.
// It panics for non-contiguous views: call Contiguous first.
func (t *Tensor) Raw() []float32 {
	if !t.IsContiguous() {
		panic(fmt.Sprintf("tensor: Raw on a non-contiguous view (shape %v strides %v)", t.Shape, t.Strides))
	}
	return t.Data[t.Offset : t.Offset+t.Numel()]
}

// Contiguous returns t itself when it is contiguous, else a row-major copy.
func (t *Tensor) Contiguous() *Tensor {
	if t.IsContiguous() {
		return t
	}
	return t.Clone()
}

// Clone returns a contiguous deep copy of t.
func (t *Tensor) Clone() *Tensor {
	out := New(t.Shape...)
	t.CopyTo(out.Data)
	return out
}

// CopyTo writes t's elements in row-major order into dst, which must hold Numel values.
func (t *Tensor) CopyTo(dst []float32) {
	n := t.Numel()
	if len(dst) < n {
		panic(fmt.Sprintf("tensor: CopyTo: destination of %d for shape %v", len(dst), t.Shape))
	}
	if t.IsContiguous() {
		copy(dst, t.Data[t.Offset:t.Offset+n])
		return
	}
	i := 0
	t.each(func(off int) { dst[i] = t.Data[off]; i++ })
}

// each calls fn with the data offset of every element in row-major order.
func (t *Tensor) each(fn func(off int)) {
	if t.Numel() == 0 {
		return
	}
	nd := len(t.Shape)
	idx := make([]int, nd)
	off := t.Offset
	for {
		fn(off)
		k := nd - 1
		for ; k >= 0; k-- {
			idx[k]++
			off += t.Strides[k]
			if idx[k] < t.Shape[k] {
				break
			}
			off -= idx[k] * t.Strides[k]
			idx[k] = 0
		}
		if k < 0 {
			return
		}
	}
}

// At returns the element at the given index.
func (t *Tensor) At(idx ...int) float32 { return t.Data[t.offsetOf(idx)] }

// Set stores v at the given index.
func (t *Tensor) Set(v float32, idx ...int) { t.Data[t.offsetOf(idx)] = v }

func (t *Tensor) offsetOf(idx []int) int {
	if len(idx) != len(t.Shape) {
		panic(fmt.Sprintf("tensor: index %v for shape %v", idx, t.Shape))
	}
	off := t.Offset
	for i, v := range idx {
		if v < 0 || v >= t.Shape[i] {
			panic(fmt.Sprintf("tensor: index %v out of range for shape %v", idx, t.Shape))
		}
		off += v * t.Strides[i]
	}
	return off
}

// Item returns the only element of a one-element tensor.
func (t *Tensor) Item() float32 {
	if t.Numel() != 1 {
		panic(fmt.Sprintf("tensor: Item on shape %v", t.Shape))
	}
	return t.Data[t.Offset]
}

// Fill sets every element of t to v.
func (t *Tensor) Fill(v float32) {
	if t.IsContiguous() {
		d := t.Raw()
		for i := range d {
			d[i] = v
		}
		return
	}
	t.each(func(off int) { t.Data[off] = v })
}

// Zero sets every element of t to 0.
func (t *Tensor) Zero() {
	if t.IsContiguous() {
		clear(t.Raw())
		return
	}
	t.Fill(0)
}

// SameShape reports whether a and b have equal shapes.
func SameShape(a, b *Tensor) bool { return slices.Equal(a.Shape, b.Shape) }

// String prints the shape and, for small tensors, the values.
func (t *Tensor) String() string {
	if t.Numel() > 64 {
		return fmt.Sprintf("Tensor%v", t.Shape)
	}
	v := make([]float32, t.Numel())
	t.CopyTo(v)
	return fmt.Sprintf("Tensor%v%v", t.Shape, v)
}
