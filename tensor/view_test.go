package tensor

import (
	"fmt"
	"slices"
	"testing"
)

func TestReshape(t *testing.T) {
	x := seq(2, 3, 4)
	cases := []struct{ in, want []int }{
		{[]int{6, 4}, []int{6, 4}},
		{[]int{-1}, []int{24}},
		{[]int{2, -1, 3}, []int{2, 4, 3}},
		{[]int{1, 24}, []int{1, 24}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.in), func(t *testing.T) {
			r := x.Reshape(c.in...)
			if !slices.Equal(r.Shape, c.want) || !slices.Equal(r.Strides, ContiguousStrides(c.want)) {
				t.Fatalf("shape %v strides %v", r.Shape, r.Strides)
			}
			if &r.Data[0] != &x.Data[0] || !slices.Equal(values(r), x.Data) {
				t.Error("Reshape is not a view in the same order")
			}
		})
	}
	// A reshape of an offset slice keeps the offset.
	sl := x.Slice(0, 1, 2).Reshape(12)
	if sl.At(0) != 12 || sl.At(11) != 23 {
		t.Errorf("Reshape of a slice: %v", values(sl))
	}
	mustPanic(t, "tensor: Reshape [-1 -1]: more than one -1", func() { x.Reshape(-1, -1) })
	mustPanic(t, "tensor: Reshape: cannot reshape [2 3 4] into [5 -1]", func() { x.Reshape(5, -1) })
	mustPanic(t, "tensor: Reshape: cannot reshape [2 3 4] into [5 5]", func() { x.Reshape(5, 5) })
	mustPanic(t, "tensor: Reshape of a non-contiguous view [4 3 2]", func() { x.Permute(2, 1, 0).Reshape(24) })
}

// naivePermuted returns the elements of seq(shape) permuted by perm, in
// row-major order of the result, by index arithmetic alone.
func naivePermuted(shape, perm []int) []float32 {
	oshape := make([]int, len(perm))
	for i, p := range perm {
		oshape[i] = shape[p]
	}
	n := Numel(shape)
	out := make([]float32, n)
	src := make([]int, len(shape))
	for k := range n {
		idx := unravel(k, oshape)
		for i, p := range perm {
			src[p] = idx[i]
		}
		flat := 0
		for d := range shape {
			flat = flat*shape[d] + src[d]
		}
		out[k] = float32(flat)
	}
	return out
}

func TestPermuteTranspose(t *testing.T) {
	shape := []int{2, 3, 4, 5}
	x := seq(shape...)
	for _, perm := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 0, 2, 3}, {0, 2, 3, 1}, {2, 3, 0, 1}} {
		t.Run(fmt.Sprint(perm), func(t *testing.T) {
			p := x.Permute(perm...)
			if !slices.Equal(values(p), naivePermuted(shape, perm)) {
				t.Errorf("Permute%v = %v", perm, values(p))
			}
			identity := slices.Equal(perm, []int{0, 1, 2, 3})
			if p.IsContiguous() != identity {
				t.Errorf("IsContiguous = %v", p.IsContiguous())
			}
			c := p.Contiguous()
			if !c.IsContiguous() || !slices.Equal(c.Data[c.Offset:c.Offset+c.Numel()], naivePermuted(shape, perm)) {
				t.Errorf("Contiguous %v", c.Data)
			}
			if !identity && &c.Data[0] == &x.Data[0] {
				t.Error("Contiguous of a permuted view shares storage")
			}
		})
	}
	for _, ab := range [][2]int{{0, 3}, {-1, -2}, {1, 1}, {-4, 2}} {
		t.Run(fmt.Sprint("T", ab), func(t *testing.T) {
			perm := []int{0, 1, 2, 3}
			a, b := (ab[0]+4)%4, (ab[1]+4)%4
			perm[a], perm[b] = perm[b], perm[a]
			if got := values(x.Transpose(ab[0], ab[1])); !slices.Equal(got, naivePermuted(shape, perm)) {
				t.Errorf("Transpose%v = %v", ab, got)
			}
		})
	}
	mustPanic(t, "tensor: Permute [0 1] of shape [2 3 4 5]", func() { x.Permute(0, 1) })
	mustPanic(t, "tensor: Permute [0 1 1 2] is not a permutation of 4 axes", func() { x.Permute(0, 1, 1, 2) })
	mustPanic(t, "tensor: Permute [0 1 2 4] is not a permutation", func() { x.Permute(0, 1, 2, 4) })
	mustPanic(t, "tensor: axis 4 out of range", func() { x.Transpose(0, 4) })
}

func TestSliceView(t *testing.T) {
	shape := []int{3, 4, 5}
	x := seq(shape...)
	cases := []struct{ axis, lo, hi int }{{0, 1, 3}, {1, 0, 4}, {2, 2, 5}, {-1, 0, 1}, {-2, 3, 3}, {0, 0, 0}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d[%d:%d]", c.axis, c.lo, c.hi), func(t *testing.T) {
			s := x.Slice(c.axis, c.lo, c.hi)
			ax := (c.axis + 3) % 3
			want := []float32{}
			for k := range x.Numel() {
				idx := unravel(k, shape)
				if idx[ax] >= c.lo && idx[ax] < c.hi {
					want = append(want, float32(k))
				}
			}
			if got := values(s); !slices.Equal(got, want) {
				t.Errorf("Slice = %v, want %v", got, want)
			}
			if s.Shape[ax] != c.hi-c.lo {
				t.Errorf("shape %v", s.Shape)
			}
		})
	}
	// Views compose: a slice of a transpose reads the right elements and writes through.
	v := x.Transpose(0, 2).Slice(1, 1, 3) // (5, 2, 3): v[i, j, k] = x[k, j+1, i]
	for k := range v.Numel() {
		idx := unravel(k, v.Shape)
		if got, want := v.At(idx...), x.At(idx[2], idx[1]+1, idx[0]); got != want {
			t.Fatalf("v%v = %v, want %v", idx, got, want)
		}
	}
	v.Set(-1, 4, 1, 2)
	if x.At(2, 2, 4) != -1 {
		t.Error("Set through a view did not reach the base")
	}
	mustPanic(t, "tensor: Slice [2:5] of axis 0 with size 3 (shape [3 4 5])", func() { x.Slice(0, 2, 5) })
	mustPanic(t, "tensor: Slice [-1:2]", func() { x.Slice(1, -1, 2) })
	mustPanic(t, "tensor: Slice [3:2]", func() { x.Slice(1, 3, 2) })
}

func TestExpand(t *testing.T) {
	cases := []struct{ from, to []int }{
		{[]int{3, 1}, []int{3, 4}},
		{[]int{1, 4}, []int{3, 4}},
		{[]int{4}, []int{2, 3, 4}},
		{[]int{}, []int{2, 2}},
		{[]int{2, 1, 3}, []int{4, 2, 5, 3}},
		{[]int{2, 3}, []int{2, 3}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.from, c.to), func(t *testing.T) {
			x := seq(c.from...)
			e := x.Expand(c.to...)
			lead := len(c.to) - len(c.from)
			for k := range Numel(c.to) {
				idx := unravel(k, c.to)
				src := make([]int, len(c.from))
				for d := range c.from {
					if c.from[d] != 1 {
						src[d] = idx[d+lead]
					}
				}
				if got, want := e.At(idx...), x.At(src...); got != want {
					t.Fatalf("Expand%v = %v, want %v", idx, got, want)
				}
			}
			if Numel(c.to) > Numel(c.from) && e.IsContiguous() {
				t.Error("a broadcast view reports contiguous")
			}
		})
	}
	x := seq(3, 1)
	mustPanic(t, "tensor: Expand [3 1] to [4 4]", func() { x.Expand(4, 4) })
	mustPanic(t, "tensor: Expand [3 1] to fewer dims [3]", func() { x.Expand(3) })
}

func TestIsContiguousSizeOneAxes(t *testing.T) {
	// Strides of size-1 axes do not matter: a single row of a matrix, or a
	// matrix transposed where one side is 1, is still row-major.
	x := seq(4, 1)
	if !x.Transpose(0, 1).IsContiguous() {
		t.Error("transpose of (4, 1) should be contiguous")
	}
	y := seq(3, 4)
	if !y.Slice(0, 1, 2).IsContiguous() || y.Slice(1, 1, 2).IsContiguous() {
		t.Error("row slice contiguous, column slice not")
	}
}
