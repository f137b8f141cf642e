package ag

import (
	"fmt"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestReshapeFlatten(t *testing.T) {
	x := randT(100, 2, 3, 4)
	cases := []struct {
		in, want []int
	}{{[]int{6, 4}, []int{6, 4}}, {[]int{-1}, []int{24}}, {[]int{4, -1, 2}, []int{4, 3, 2}}, {[]int{1, 24, 1}, []int{1, 24, 1}}}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.in), func(t *testing.T) {
			got := NewTape(false).Reshape(Const(x), c.in...).Value
			if !slices.Equal(got.Shape, c.want) {
				t.Fatalf("shape %v, want %v", got.Shape, c.want)
			}
			checkValues(t, "Reshape", got, f64(x), 0)
			gradCheck(t, "Reshape", func(tp *Tape, v []*Var) *Var { return tp.Reshape(v[0], c.in...) }, x)
		})
	}
	f := NewTape(false).Flatten(Const(x)).Value
	if !slices.Equal(f.Shape, []int{2, 12}) {
		t.Errorf("Flatten shape %v", f.Shape)
	}
	gradCheck(t, "Flatten", func(tp *Tape, v []*Var) *Var { return tp.Flatten(v[0]) }, x)
	// The reshaped value shares storage: no copy.
	v := Const(x)
	if r := NewTape(false).Reshape(v, 24); &r.Value.Data[0] != &v.Value.Data[0] {
		t.Error("Reshape copied its input")
	}
	tp := NewTape(false)
	mustPanic(t, "ag: Reshape: cannot reshape [2 3 4] into [5 -1]", func() { tp.Reshape(Const(x), 5, -1) })
	mustPanic(t, "ag: Reshape: cannot reshape [2 3 4] into [5 5]", func() { tp.Reshape(Const(x), 5, 5) })
	mustPanic(t, "ag: Reshape: bad target shape [-1 -1]", func() { tp.Reshape(Const(x), -1, -1) })
	mustPanic(t, "ag: Flatten: needs at least 2 dimensions, got shape [3]", func() { tp.Flatten(Const(tensor.New(3))) })
}
