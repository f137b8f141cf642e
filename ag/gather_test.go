package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestIndexSelect(t *testing.T) {
	x := randT(120, 4, 2, 3)
	idx := []int{3, 0, 3, 1, 3}
	got := NewTape(false).IndexSelect(Const(x), idx).Value
	if !tensor.SameShape(got, tensor.New(5, 2, 3)) {
		t.Fatalf("shape %v", got.Shape)
	}
	var want []float64
	for _, k := range idx {
		for a := range 2 {
			for b := range 3 {
				want = append(want, float64(x.At(k, a, b)))
			}
		}
	}
	checkValues(t, "IndexSelect", got, want, 0)
	// Repeated indices scatter-add their gradients.
	gradCheck(t, "IndexSelect", func(tp *Tape, v []*Var) *Var { return tp.IndexSelect(v[0], idx) }, x)
	gradCheck(t, "IndexSelect 1-D", func(tp *Tape, v []*Var) *Var { return tp.IndexSelect(v[0], []int{2, 2, 0}) }, randT(121, 3))
	p := Param("x", tensor.New(4, 1))
	tp := NewTape(true)
	tp.Backward(tp.Sum(tp.IndexSelect(p, idx), false))
	checkValues(t, "counts", p.Grad, []float64{1, 1, 0, 3}, 0)
	mustPanic(t, "ag: IndexSelect: index 4 (position 1) out of range for shape [4 2 3]", func() { tp.IndexSelect(Const(x), []int{0, 4}) })
	mustPanic(t, "ag: IndexSelect: index -1 (position 0)", func() { tp.IndexSelect(Const(x), []int{-1}) })
	mustPanic(t, "ag: IndexSelect: needs at least one axis", func() { tp.IndexSelect(Const(tensor.Scalar(1)), nil) })
}

func TestGather(t *testing.T) {
	x := randT(122, 2, 3, 4)
	// index (2, 3, 2): two picks per row, with a repeat.
	idx := []int{0, 3, 1, 1, 2, 0, 3, 3, 0, 1, 2, 3}
	got := NewTape(false).Gather(Const(x), idx).Value
	if !tensor.SameShape(got, tensor.New(2, 3, 2)) {
		t.Fatalf("shape %v", got.Shape)
	}
	var want []float64
	for a := range 2 {
		for b := range 3 {
			for j := range 2 {
				want = append(want, float64(x.At(a, b, idx[(a*3+b)*2+j])))
			}
		}
	}
	checkValues(t, "Gather", got, want, 0)
	gradCheck(t, "Gather", func(tp *Tape, v []*Var) *Var { return tp.Gather(v[0], idx) }, x)
	// (n, m) with one pick per row: the positive logit of each row.
	gradCheck(t, "Gather 2-D", func(tp *Tape, v []*Var) *Var { return tp.Gather(v[0], []int{4, 0, 2}) }, randT(123, 3, 5))
	tp := NewTape(false)
	mustPanic(t, "ag: Gather: 5 indices do not fill whole rows of shape [2 3 4]", func() { tp.Gather(Const(x), make([]int, 5)) })
	mustPanic(t, "ag: Gather: index 4 (position 1) out of range for shape [2 3 4]", func() { tp.Gather(Const(x), []int{0, 4, 0, 0, 0, 0}) })
}
