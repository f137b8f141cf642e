package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// naiveConcat joins tensors along axis by full index arithmetic.
func naiveConcat(axis int, xs ...*tensor.Tensor) []float64 {
	shape := append([]int(nil), xs[0].Shape...)
	shape[axis] = 0
	for _, x := range xs {
		shape[axis] += x.Shape[axis]
	}
	out := tensor.New(shape...)
	off := 0
	idx := make([]int, len(shape))
	for _, x := range xs {
		for n := 0; n < x.Numel(); n++ {
			r := n
			for d := len(shape) - 1; d >= 0; d-- {
				idx[d] = r % x.Shape[d]
				r /= x.Shape[d]
			}
			v := x.At(idx...)
			idx[axis] += off
			out.Set(v, idx...)
		}
		off += x.Shape[axis]
	}
	return f64(out)
}

func TestConcatSplit(t *testing.T) {
	cases := []struct {
		axis   int
		shapes [][]int
	}{
		{0, [][]int{{2, 3}, {1, 3}, {4, 3}}},
		{1, [][]int{{2, 3}, {2, 1}, {2, 5}}},
		{-1, [][]int{{2, 3, 2}, {2, 3, 3}}},
		{-2, [][]int{{2, 1, 3}, {2, 4, 3}, {2, 0, 3}}},
		{0, [][]int{{5}}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d%v", c.axis, c.shapes), func(t *testing.T) {
			xs := make([]*tensor.Tensor, len(c.shapes))
			vs := make([]*Var, len(c.shapes))
			sizes := make([]int, len(c.shapes))
			ax := (c.axis + len(c.shapes[0])) % len(c.shapes[0])
			for i, s := range c.shapes {
				xs[i] = randT(uint64(70+i), s...)
				vs[i] = Const(xs[i])
				sizes[i] = s[ax]
			}
			tp := NewTape(false)
			cat := tp.Concat(c.axis, vs...)
			checkValues(t, "Concat", cat.Value, naiveConcat(ax, xs...), 0)
			parts := tp.Split(cat, c.axis, sizes...)
			for i, p := range parts {
				if !tensor.SameShape(p.Value, xs[i]) {
					t.Fatalf("part %d shape %v, want %v", i, p.Value.Shape, xs[i].Shape)
				}
				checkValues(t, "Split", p.Value, f64(xs[i]), 0)
			}
			gradCheck(t, "Concat", func(tp *Tape, v []*Var) *Var { return tp.Concat(c.axis, v...) }, xs...)
			whole := randT(79, cat.Value.Shape...)
			for i := range sizes {
				gradCheck(t, fmt.Sprintf("Split part %d", i), func(tp *Tape, v []*Var) *Var { return tp.Split(v[0], c.axis, sizes...)[i] }, whole)
			}
		})
	}
}

// TestGradConcatRepeated feeds one Var into Concat twice and a constant once:
// gradients accumulate and constants are skipped.
func TestGradConcatRepeated(t *testing.T) {
	k := Const(randT(81, 2, 2))
	gradCheck(t, "Concat repeated", func(tp *Tape, v []*Var) *Var { return tp.Concat(1, v[0], k, v[0]) }, randT(80, 2, 3))
}

func TestConcatSplitPanics(t *testing.T) {
	tp := NewTape(false)
	a, b := Const(tensor.New(2, 3)), Const(tensor.New(3, 3))
	mustPanic(t, "ag: Concat: no inputs", func() { tp.Concat(0) })
	mustPanic(t, "ag: Concat: shapes [2 3] and [3 3] differ off axis 1", func() { tp.Concat(1, a, b) })
	mustPanic(t, "ag: Concat: shapes [2 3] and [3] differ", func() { tp.Concat(0, a, Const(tensor.New(3))) })
	mustPanic(t, "ag: Concat: axis 2 out of range for shape [2 3]", func() { tp.Concat(2, a, b) })
	mustPanic(t, "ag: Split: sizes [1 1] do not add up to axis 1 of shape [2 3]", func() { tp.Split(a, 1, 1, 1) })
	mustPanic(t, "ag: Split: negative size in [4 -1]", func() { tp.Split(a, 1, 4, -1) })
	mustPanic(t, "ag: Split: axis -3 out of range", func() { tp.Split(a, -3, 2) })
}
