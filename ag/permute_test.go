package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// naivePermute builds the permutation by index arithmetic: out[i0..] = x[j..]
// with j[perm[d]] = i[d].
func naivePermute(x *tensor.Tensor, perm []int) []float64 {
	nd := x.Dims()
	oshape := make([]int, nd)
	for d, p := range perm {
		oshape[d] = x.Shape[p]
	}
	out := make([]float64, x.Numel())
	oi, xi := make([]int, nd), make([]int, nd)
	for n := range out {
		r := n
		for d := nd - 1; d >= 0; d-- {
			oi[d] = r % oshape[d]
			r /= oshape[d]
		}
		for d, p := range perm {
			xi[p] = oi[d]
		}
		out[n] = float64(x.At(xi...))
	}
	return out
}

func TestPermute(t *testing.T) {
	x := randT(110, 2, 3, 4, 5)
	for _, perm := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {0, 2, 3, 1}, {1, 0, 3, 2}, {-1, 0, -3, 2}} {
		t.Run(fmt.Sprint(perm), func(t *testing.T) {
			norm := make([]int, 4)
			for i, p := range perm {
				norm[i] = (p + 4) % 4
			}
			got := NewTape(false).Permute(Const(x), perm...).Value
			checkValues(t, "Permute", got, naivePermute(x, norm), 0)
			for d, p := range norm {
				if got.Shape[d] != x.Shape[p] {
					t.Fatalf("shape %v", got.Shape)
				}
			}
			gradCheck(t, "Permute", func(tp *Tape, v []*Var) *Var { return tp.Permute(v[0], perm...) }, x)
		})
	}
	for _, ij := range [][2]int{{0, 1}, {-1, -2}, {0, 2}, {1, 1}} {
		t.Run(fmt.Sprint("T", ij), func(t *testing.T) {
			y := randT(111, 3, 4, 5)
			got := NewTape(false).Transpose(Const(y), ij[0], ij[1]).Value
			checkValues(t, "Transpose", got, f64(y.Transpose(ij[0], ij[1])), 0)
			gradCheck(t, "Transpose", func(tp *Tape, v []*Var) *Var { return tp.Transpose(v[0], ij[0], ij[1]) }, y)
		})
	}
	s := NewTape(false).Permute(Const(tensor.Scalar(4))).Value
	if s.Item() != 4 {
		t.Errorf("scalar Permute %v", s)
	}
	tp := NewTape(false)
	mustPanic(t, "ag: Permute: permutation [0 1] for shape [2 3 4 5]", func() { tp.Permute(Const(x), 0, 1) })
	mustPanic(t, "ag: Permute: [0 1 1 2] is not a permutation of the axes of shape [2 3 4 5]", func() { tp.Permute(Const(x), 0, 1, 1, 2) })
	mustPanic(t, "ag: Permute: [0 1 2 -2] is not a permutation", func() { tp.Permute(Const(x), 0, 1, 2, -2) })
	mustPanic(t, "ag: Permute: [0 1 2 4] is not a permutation", func() { tp.Permute(Const(x), 0, 1, 2, 4) })
	mustPanic(t, "ag: Transpose: axis 4 out of range for shape [2 3 4 5]", func() { tp.Transpose(Const(x), 0, 4) })
}
