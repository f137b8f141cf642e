package tensor

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

func TestBroadcastShape(t *testing.T) {
	cases := []struct {
		a, b, want []int
		ok         bool
	}{
		{[]int{3, 4}, []int{3, 4}, []int{3, 4}, true},
		{[]int{3, 4}, []int{4}, []int{3, 4}, true},
		{[]int{4}, []int{3, 4}, []int{3, 4}, true},
		{[]int{2, 3, 1}, []int{1, 5}, []int{2, 3, 5}, true},
		{[]int{1, 4}, []int{3, 1}, []int{3, 4}, true},
		{[]int{}, []int{2, 2}, []int{2, 2}, true},
		{[]int{}, []int{}, []int{}, true},
		{[]int{5, 1, 0}, []int{3, 1}, []int{5, 3, 0}, true},
		{[]int{3, 4}, []int{4, 3}, nil, false},
		{[]int{3}, []int{4}, nil, false},
		{[]int{2, 3}, []int{2, 1, 2}, nil, false},
		{[]int{0}, []int{2}, nil, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.a, c.b), func(t *testing.T) {
			got, err := BroadcastShape(c.a, c.b)
			if (err == nil) != c.ok {
				t.Fatalf("err = %v, want ok %v", err, c.ok)
			}
			if c.ok && !slices.Equal(got, c.want) {
				t.Errorf("= %v, want %v", got, c.want)
			}
			if !c.ok {
				mustPanic(t, fmt.Sprintf("tensor: Op: shapes %v and %v do not broadcast", c.a, c.b), func() { MustBroadcastShape("Op", c.a, c.b) })
			}
		})
	}
}

// naiveBinary evaluates f over the broadcast of a and b by index arithmetic.
func naiveBinary(a, b *Tensor, f func(x, y float32) float32) ([]int, []float32) {
	shape, err := BroadcastShape(a.Shape, b.Shape)
	if err != nil {
		panic(err)
	}
	pick := func(t *Tensor, idx []int) float32 {
		lead := len(idx) - t.Dims()
		src := make([]int, t.Dims())
		for d := range src {
			if t.Shape[d] != 1 {
				src[d] = idx[d+lead]
			}
		}
		return t.At(src...)
	}
	out := make([]float32, Numel(shape))
	for k := range out {
		idx := unravel(k, shape)
		out[k] = f(pick(a, idx), pick(b, idx))
	}
	return shape, out
}

func TestArithmeticBroadcast(t *testing.T) {
	ops := []struct {
		name string
		op   func(a, b *Tensor) *Tensor
		f    func(x, y float32) float32
	}{
		{"Add", Add, func(x, y float32) float32 { return x + y }},
		{"Sub", Sub, func(x, y float32) float32 { return x - y }},
		{"Mul", Mul, func(x, y float32) float32 { return x * y }},
		{"Div", Div, func(x, y float32) float32 { return x / y }},
	}
	rng := NewRNG(3)
	mk := func(shape ...int) *Tensor { return New(shape...).Uniform(rng, 0.5, 2) }
	operands := []struct {
		name string
		a, b *Tensor
	}{
		{"equal", mk(3, 4), mk(3, 4)},
		{"row", mk(3, 4), mk(4)},
		{"col", mk(3, 4), mk(3, 1)},
		{"outer", mk(3, 1), mk(1, 4)},
		{"scalar b", mk(2, 3), Scalar(3)},
		{"scalar a", Scalar(3), mk(2, 3)},
		{"3-D", mk(2, 3, 1), mk(1, 5)},
		{"transposed a", mk(4, 3).Transpose(0, 1), mk(3, 4)},
		{"strided both", mk(4, 6).Slice(1, 1, 4), mk(3, 4).Transpose(0, 1)},
		{"one-element b", mk(2, 3), mk(1, 1)},
	}
	for _, o := range ops {
		for _, c := range operands {
			t.Run(o.name+"/"+c.name, func(t *testing.T) {
				got := o.op(c.a, c.b)
				shape, want := naiveBinary(c.a, c.b, o.f)
				if !slices.Equal(got.Shape, shape) || !got.IsContiguous() {
					t.Fatalf("shape %v, want %v", got.Shape, shape)
				}
				if !slices.Equal(values(got), want) {
					t.Errorf("= %v, want %v", values(got), want)
				}
			})
		}
	}
	mustPanic(t, "tensor: Add: shapes [3 4] and [4 3] do not broadcast", func() { Add(New(3, 4), New(4, 3)) })
	mustPanic(t, "tensor: Binary: output [3 3] for broadcast shape [3 4]", func() {
		Binary(New(3, 3), New(3, 4), New(4), func(x, y float32) float32 { return x })
	})
	mustPanic(t, "tensor: Binary: output [4 3] for broadcast shape [3 4]", func() {
		Binary(New(3, 4).Transpose(0, 1), New(3, 4), New(4), func(x, y float32) float32 { return x })
	})
}

func TestBinaryIntoView(t *testing.T) {
	// The output may be a contiguous view at an offset.
	base := New(3, 4)
	out := base.Slice(0, 1, 3)
	Binary(out, seq(2, 4), Scalar(1), func(x, y float32) float32 { return x + y })
	want := []float32{0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}
	if !slices.Equal(base.Data, want) {
		t.Errorf("Binary into an offset view: %v", base.Data)
	}
}

func TestMapScaleAddScaled(t *testing.T) {
	x := seq(3, 4)
	m := Map(x.Transpose(0, 1), func(v float32) float32 { return v * v })
	want := make([]float32, 12)
	for k := range want {
		i, j := k/3, k%3 // m[i, j] = x[j, i]^2
		v := float32(j*4 + i)
		want[k] = v * v
	}
	if !slices.Equal(m.Data, want) || !slices.Equal(m.Shape, []int{4, 3}) {
		t.Errorf("Map = %v %v", m.Shape, m.Data)
	}
	if x.Data[5] != 5 {
		t.Error("Map changed its input")
	}
	col := x.Slice(1, 2, 3)
	col.Scale(-2)
	if x.Data[2] != -4 || x.Data[6] != -12 || x.Data[3] != 3 {
		t.Errorf("Scale of a column view: %v", x.Data)
	}
	y := Full(1, 2, 2)
	y.AddScaled(0.5, FromSlice([]float32{2, 4, 6, 8}, 2, 2))
	if !slices.Equal(y.Data, []float32{2, 3, 4, 5}) {
		t.Errorf("AddScaled = %v", y.Data)
	}
	z := Full(0, 2, 2)
	z.AddScaled(1, seq(2, 2).Transpose(0, 1)) // a strided source
	if !slices.Equal(z.Data, []float32{0, 2, 1, 3}) {
		t.Errorf("AddScaled of a transposed source = %v", z.Data)
	}
	mustPanic(t, "tensor: AddScaled: shapes [2 2] and [4] differ", func() { y.AddScaled(1, New(4)) })
	n := Map(FromSlice([]float32{-1, 4}, 2), func(v float32) float32 { return float32(math.Sqrt(float64(v))) })
	if !math.IsNaN(float64(n.Data[0])) || n.Data[1] != 2 {
		t.Errorf("Map sqrt = %v", n.Data)
	}
}
