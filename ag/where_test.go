package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestMaskedFill(t *testing.T) {
	x := randT(130, 3, 3)
	mask := []bool{true, false, false, false, true, false, false, false, true} // the diagonal
	inf := float32(math.Inf(-1))
	got := NewTape(false).MaskedFill(Const(x), mask, inf).Value
	want := f64(x)
	for i, m := range mask {
		if m {
			want[i] = math.Inf(-1)
		}
	}
	checkValues(t, "MaskedFill", got, want, 0)
	gradCheck(t, "MaskedFill", func(tp *Tape, v []*Var) *Var { return tp.MaskedFill(v[0], mask, 7) }, x)
	// A row mask (3, 1) broadcasts over the columns.
	rows := tensor.FromSlice([]float32{0, 1, 0}, 3, 1)
	got = NewTape(false).MaskedFillTensor(Const(x), rows, 2).Value
	want = f64(x)
	for k := 3; k < 6; k++ {
		want[k] = 2
	}
	checkValues(t, "MaskedFillTensor", got, want, 0)
	gradCheck(t, "MaskedFillTensor", func(tp *Tape, v []*Var) *Var { return tp.MaskedFillTensor(v[0], rows, 2) }, x)
	tp := NewTape(false)
	mustPanic(t, "ag: MaskedFill: mask of 2 flags for shape [3 3]", func() { tp.MaskedFill(Const(x), []bool{true, false}, 0) })
	mustPanic(t, "ag: MaskedFillTensor: mask [3 3 1] does not broadcast to [3 3]", func() { tp.MaskedFillTensor(Const(x), tensor.New(3, 3, 1), 0) })
	mustPanic(t, "ag: MaskedFillTensor: mask [2] does not broadcast to [3 3]", func() { tp.MaskedFillTensor(Const(x), tensor.New(2), 0) })
}

func TestWhere(t *testing.T) {
	cases := []struct{ c, a, b []int }{
		{[]int{2, 3}, []int{2, 3}, []int{2, 3}},
		{[]int{2, 3}, []int{3}, []int{}},
		{[]int{2, 1}, []int{1, 3}, []int{2, 3}},
		{[]int{3}, []int{2, 1, 3}, []int{4, 1}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v%v%v", c.c, c.a, c.b), func(t *testing.T) {
			cond := tensor.New(c.c...)
			for i := range cond.Data {
				cond.Data[i] = float32(i % 2)
			}
			a, b := randT(131, c.a...), randT(132, c.b...)
			got := NewTape(false).Where(cond, Const(a), Const(b)).Value
			shape := tensor.MustBroadcastShape("test", tensor.MustBroadcastShape("test", c.c, c.a), c.b)
			if !tensor.SameShape(got, tensor.New(shape...)) {
				t.Fatalf("shape %v, want %v", got.Shape, shape)
			}
			// Oracle: the tensor package's broadcasting arithmetic,
			// cond*a + (1-cond)*b with cond in {0, 1}.
			one := tensor.Full(1, c.c...)
			want := tensor.Add(tensor.Mul(cond, a), tensor.Mul(tensor.Sub(one, cond), b))
			checkValues(t, "Where", got, f64(want), 1e-7)
			gradCheck(t, "Where", func(tp *Tape, v []*Var) *Var { return tp.Where(cond, v[0], v[1]) }, a, b)
			k := Const(b)
			gradCheck(t, "Where const b", func(tp *Tape, v []*Var) *Var { return tp.Where(cond, v[0], k) }, a)
		})
	}
	tp := NewTape(false)
	mustPanic(t, "ag: Where: shapes [2] (cond), [3] and [3] do not broadcast", func() {
		tp.Where(tensor.New(2), Const(tensor.New(3)), Const(tensor.New(3)))
	})
	mustPanic(t, "ag: Where: shapes [3] (cond), [3] and [2 2] do not broadcast", func() {
		tp.Where(tensor.New(3), Const(tensor.New(3)), Const(tensor.New(2, 2)))
	})
}
