package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestMaxMinForward(t *testing.T) {
	x := randT(21, 2, 3, 4)
	for _, axes := range [][]int{nil, {0}, {1}, {-1}, {0, 2}, {-3, -2}} {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v,%v", axes, keep), func(t *testing.T) {
				tp := NewTape(false)
				for _, c := range []struct {
					op  func(*Var, bool, ...int) *Var
					red tensor.ReduceOp
				}{{tp.Max, tensor.ReduceMax}, {tp.Min, tensor.ReduceMin}} {
					got := c.op(Const(x), keep, axes...).Value
					want := naiveReduce(x, c.red, keep, axes)
					if !tensor.SameShape(got, want) {
						t.Fatalf("%v: shape %v, want %v", c.red, got.Shape, want.Shape)
					}
					checkValues(t, c.red.String(), got, f64(want), 0)
				}
			})
		}
	}
}

// naiveReduce is an independent max/min over axes by full index enumeration.
func naiveReduce(x *tensor.Tensor, op tensor.ReduceOp, keep bool, axes []int) *tensor.Tensor {
	nd := x.Dims()
	red := make([]bool, nd)
	for _, a := range axes {
		red[(a+nd)%nd] = true
	}
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
	}
	var kshape, oshape []int
	for i, d := range x.Shape {
		if red[i] {
			kshape = append(kshape, 1)
			if keep {
				oshape = append(oshape, 1)
			}
		} else {
			kshape = append(kshape, d)
			oshape = append(oshape, d)
		}
	}
	out := tensor.New(kshape...)
	seen := make([]bool, out.Numel())
	idx := make([]int, nd)
	for n := 0; n < x.Numel(); n++ {
		r := n
		for d := nd - 1; d >= 0; d-- {
			idx[d] = r % x.Shape[d]
			r /= x.Shape[d]
		}
		o := 0
		for d := range nd {
			if !red[d] {
				o = o*kshape[d] + idx[d]
			} else {
				o *= 1
			}
		}
		v := x.At(idx...)
		if !seen[o] || (op == tensor.ReduceMax && v > out.Data[o]) || (op == tensor.ReduceMin && v < out.Data[o]) {
			out.Data[o], seen[o] = v, true
		}
	}
	return out.Reshape(oshape...)
}

func f64(x *tensor.Tensor) []float64 {
	v := make([]float32, x.Numel())
	x.CopyTo(v)
	out := make([]float64, len(v))
	for i, e := range v {
		out[i] = float64(e)
	}
	return out
}

func TestGradMaxMin(t *testing.T) {
	x := randT(22, 3, 4, 5)
	for _, axes := range [][]int{nil, {0}, {1}, {-1}, {0, 2}, {1, -1}} {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v,%v", axes, keep), func(t *testing.T) {
				gradCheck(t, "Max", func(tp *Tape, v []*Var) *Var { return tp.Max(v[0], keep, axes...) }, x)
				gradCheck(t, "Min", func(tp *Tape, v []*Var) *Var { return tp.Min(v[0], keep, axes...) }, x)
			})
		}
	}
}

// TestMaxTies checks that the gradient goes only to the first extreme element,
// for the single-axis fast path and the general walk alike.
func TestMaxTies(t *testing.T) {
	cases := []struct {
		name string
		op   func(tp *Tape, v *Var) *Var
		want []float64
	}{
		{"Max axis 1", func(tp *Tape, v *Var) *Var { return tp.Max(v, false, 1) }, []float64{0, 1, 0, 0, 0, 1}},
		{"Max all", func(tp *Tape, v *Var) *Var { return tp.Max(v, false) }, []float64{0, 1, 0, 0, 0, 0}},
		{"Min axis 0", func(tp *Tape, v *Var) *Var { return tp.Min(v, true, 0) }, []float64{1, 0, 1, 0, 1, 0}},
		{"Min axes 0,1", func(tp *Tape, v *Var) *Var { return tp.Min(v, false, 0, 1) }, []float64{1, 0, 0, 0, 0, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Param("x", tensor.FromSlice([]float32{1, 3, 3, 1, 2, 3}, 2, 3))
			tp := NewTape(true)
			tp.Backward(tp.Sum(c.op(tp, p), false))
			checkValues(t, c.name, p.Grad, c.want, 0)
		})
	}
}

func TestMaxMinPanics(t *testing.T) {
	tp := NewTape(false)
	mustPanic(t, "ag: Max: axis 2 out of range for shape [2 3]", func() { tp.Max(Const(tensor.New(2, 3)), false, 2) })
	mustPanic(t, "ag: Min: reducing empty axis 1 of shape [2 0]", func() { tp.Min(Const(tensor.New(2, 0)), false, -1) })
}
