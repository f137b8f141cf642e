package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// naiveReduce reduces x over axes (all when none) by enumerating every element
// and accumulating into its output position, in float64.
func naiveReduce(x *Tensor, op ReduceOp, keep bool, axes []int) ([]int, []float64) {
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
	count := 1
	for d, n := range x.Shape {
		if red[d] {
			kshape = append(kshape, 1)
			count *= n
			if keep {
				oshape = append(oshape, 1)
			}
		} else {
			kshape = append(kshape, n)
			oshape = append(oshape, n)
		}
	}
	out := make([]float64, Numel(kshape))
	seen := make([]bool, len(out))
	for k := range x.Numel() {
		idx := unravel(k, x.Shape)
		o := 0
		for d := range nd {
			if !red[d] {
				o = o*kshape[d] + idx[d]
			}
		}
		v := float64(x.At(idx...))
		switch {
		case op == ReduceSum || op == ReduceMean:
			out[o] += v
		case !seen[o]:
			out[o] = v
		case op == ReduceMax && (v > out[o] || math.IsNaN(v)):
			out[o] = v
		case op == ReduceMin && (v < out[o] || math.IsNaN(v)):
			out[o] = v
		}
		seen[o] = true
	}
	if op == ReduceMean {
		for i := range out {
			out[i] /= float64(count)
		}
	}
	return oshape, out
}

func TestReduce(t *testing.T) {
	base := New(2, 3, 4).Normal(NewRNG(7), 0, 1)
	inputs := []struct {
		name string
		x    *Tensor
	}{
		{"contiguous", base},
		{"permuted", base.Permute(2, 0, 1)},
		{"sliced", base.Slice(2, 1, 4)},
	}
	axesList := [][]int{nil, {0}, {1}, {2}, {-1}, {0, 2}, {-3, -2}, {0, 1, 2}}
	for _, in := range inputs {
		for _, op := range []ReduceOp{ReduceSum, ReduceMean, ReduceMax, ReduceMin} {
			for _, axes := range axesList {
				for _, keep := range []bool{false, true} {
					t.Run(fmt.Sprintf("%s/%v/%v/%v", in.name, op, axes, keep), func(t *testing.T) {
						got := Reduce(in.x, op, keep, axes...)
						shape, want := naiveReduce(in.x, op, keep, axes)
						if !slices.Equal(got.Shape, shape) && !(len(got.Shape) == 0 && len(shape) == 0) {
							t.Fatalf("shape %v, want %v", got.Shape, shape)
						}
						for i, v := range values(got) {
							if math.Abs(float64(v)-want[i]) > 1e-5 {
								t.Fatalf("[%d] = %v, want %v", i, v, want[i])
							}
						}
					})
				}
			}
		}
	}
}

func TestReduceSpecialValues(t *testing.T) {
	nan := float32(math.NaN())
	x := FromSlice([]float32{1, nan, 3, -1, -2, -3}, 2, 3)
	mx := Reduce(x, ReduceMax, false, 1)
	if !math.IsNaN(float64(mx.Data[0])) || mx.Data[1] != -1 {
		t.Errorf("max with NaN = %v", mx.Data)
	}
	mn := Reduce(x, ReduceMin, false, 1)
	if !math.IsNaN(float64(mn.Data[0])) || mn.Data[1] != -3 {
		t.Errorf("min with NaN = %v", mn.Data)
	}
	inf := float32(math.Inf(-1))
	if m := Reduce(FromSlice([]float32{inf, inf}, 2), ReduceMax, false); m.Item() != inf {
		t.Errorf("max of -Inf = %v", m.Item())
	}
	if s := Reduce(Scalar(5), ReduceSum, false); s.Dims() != 0 || s.Item() != 5 {
		t.Errorf("sum of a scalar = %v", s)
	}
	if s := Reduce(New(2, 0), ReduceSum, false, 1); !slices.Equal(s.Shape, []int{2}) || s.Data[0] != 0 {
		t.Errorf("sum over an empty axis = %v", s)
	}
	for op, want := range map[ReduceOp]string{ReduceSum: "sum", ReduceMean: "mean", ReduceMax: "max", ReduceMin: "min", 9: "ReduceOp(9)"} {
		if op.String() != want {
			t.Errorf("String = %q, want %q", op.String(), want)
		}
	}
	mustPanic(t, "tensor: reduce axis [3] out of range for 3 dims", func() { Reduce(New(2, 3, 4), ReduceSum, false, 3) })
	mustPanic(t, "tensor: reduce axis [0 -4] out of range", func() { Reduce(New(2, 3, 4), ReduceSum, false, 0, -4) })
}

func TestSumTo(t *testing.T) {
	x := New(2, 3, 4).Normal(NewRNG(8), 0, 1)
	cases := []struct {
		to   []int
		axes []int // of x that broadcasting added or expanded
	}{
		{[]int{2, 3, 4}, nil},
		{[]int{3, 4}, []int{0}},
		{[]int{4}, []int{0, 1}},
		{[]int{1, 4}, []int{0, 1}},
		{[]int{2, 1, 4}, []int{1}},
		{[]int{3, 1}, []int{0, 2}},
		{[]int{1, 1, 1}, []int{0, 1, 2}},
		{[]int{}, []int{0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.to), func(t *testing.T) {
			got := SumTo(x, c.to)
			if !slices.Equal(got.Shape, c.to) && !(len(got.Shape) == 0 && len(c.to) == 0) {
				t.Fatalf("shape %v, want %v", got.Shape, c.to)
			}
			want := values(x)
			if c.axes != nil {
				_, w := naiveReduce(x, ReduceSum, true, c.axes)
				want = make([]float32, len(w))
				for i, v := range w {
					want[i] = float32(v)
				}
			}
			for i, v := range values(got) {
				if math.Abs(float64(v-want[i])) > 1e-5 {
					t.Fatalf("[%d] = %v, want %v", i, v, want[i])
				}
			}
			// SumTo is the adjoint of broadcasting: <SumTo(x), y> = <x, Expand(y)>.
			y := New(c.to...).Normal(NewRNG(9), 0, 1)
			var lhs, rhs float64
			for i, v := range values(got) {
				lhs += float64(v) * float64(y.Data[i])
			}
			ey := values(y.Expand(x.Shape...))
			for i, v := range x.Data {
				rhs += float64(v) * float64(ey[i])
			}
			if math.Abs(lhs-rhs) > 1e-4 {
				t.Errorf("adjoint: %v vs %v", lhs, rhs)
			}
		})
	}
	mustPanic(t, "tensor: SumTo [5 4] from [2 3 4]", func() { SumTo(x, []int{5, 4}) })
	mustPanic(t, "tensor: SumTo [1 2 3 4] from [2 3 4]", func() { SumTo(x, []int{1, 2, 3, 4}) })
	mustPanic(t, "tensor: SumTo [2 3 4] from [2 1 4]", func() { SumTo(New(2, 1, 4), []int{2, 3, 4}) })
}
