package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestDot(t *testing.T) {
	tp := NewTape(false)
	a := cnst([]float32{1, 2, 3, 4, 5, 6}, 2, 3)
	b := cnst([]float32{1, 0, -1, 2, 2, 2}, 2, 3)
	got := tp.Dot(a, b).Value
	if !tensor.SameShape(got, tensor.New(2)) {
		t.Fatalf("shape %v", got.Shape)
	}
	checkValues(t, "Dot", got, []float64{-2, 30}, 0)
	if s := tp.Dot(cnst([]float32{1, 2}, 2), cnst([]float32{3, 4}, 2)).Value; s.Dims() != 0 || s.Item() != 11 {
		t.Errorf("vector Dot = %v", s)
	}
	for _, shape := range [][]int{{5}, {3, 7}, {2, 3, 4}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			gradCheck(t, "Dot", func(tp *Tape, v []*Var) *Var { return tp.Dot(v[0], v[1]) }, randT(61, shape...), randT(62, shape...))
			// One side constant (a detached target).
			c := Const(randT(63, shape...))
			gradCheck(t, "Dot const", func(tp *Tape, v []*Var) *Var { return tp.Dot(c, v[0]) }, randT(64, shape...))
		})
	}
	gradCheck(t, "Dot self", func(tp *Tape, v []*Var) *Var { return tp.Dot(v[0], v[0]) }, randT(65, 3, 4))
	mustPanic(t, "ag: Dot: shapes [2 3] and [3 2] must be equal", func() { tp.Dot(a, cnst(make([]float32, 6), 3, 2)) })
}
