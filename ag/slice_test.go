package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestSlice(t *testing.T) {
	x := randT(90, 3, 4, 5)
	cases := []struct{ axis, lo, hi int }{{0, 1, 3}, {1, 0, 4}, {-1, 2, 5}, {2, 1, 1}, {-2, 3, 4}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d[%d:%d]", c.axis, c.lo, c.hi), func(t *testing.T) {
			got := NewTape(false).Slice(Const(x), c.axis, c.lo, c.hi).Value
			// Oracle: the tensor package's strided view, read by index.
			want := x.Slice(c.axis, c.lo, c.hi)
			if !tensor.SameShape(got, want) {
				t.Fatalf("shape %v, want %v", got.Shape, want.Shape)
			}
			checkValues(t, "Slice", got, f64(want), 0)
			gradCheck(t, "Slice", func(tp *Tape, v []*Var) *Var { return tp.Slice(v[0], c.axis, c.lo, c.hi) }, x)
		})
	}
	tp := NewTape(false)
	mustPanic(t, "ag: Slice: range [2:5] outside axis 0 of shape [3 4 5]", func() { tp.Slice(Const(x), 0, 2, 5) })
	mustPanic(t, "ag: Slice: range [2:1]", func() { tp.Slice(Const(x), 0, 2, 1) })
	mustPanic(t, "ag: Slice: axis 3 out of range", func() { tp.Slice(Const(x), 3, 0, 1) })
}
