package tensor

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// mustPanic checks that fn panics with a message containing want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want %q", want)
			return
		}
		if msg := fmt.Sprint(r); !strings.Contains(msg, want) {
			t.Errorf("panic %q, want it to contain %q", msg, want)
		}
	}()
	fn()
}

// unravel returns the row-major multi-index of flat position n in shape.
func unravel(n int, shape []int) []int {
	idx := make([]int, len(shape))
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = n % shape[d]
		n /= shape[d]
	}
	return idx
}

// seq returns a contiguous tensor holding 0, 1, 2, ... so that every value
// names its own row-major position.
func seq(shape ...int) *Tensor {
	t := New(shape...)
	for i := range t.Data {
		t.Data[i] = float32(i)
	}
	return t
}

// values returns t's elements in row-major order.
func values(t *Tensor) []float32 {
	v := make([]float32, t.Numel())
	t.CopyTo(v)
	return v
}

func TestNewAndStrides(t *testing.T) {
	cases := []struct {
		shape, strides []int
		numel          int
	}{
		{nil, []int{}, 1},
		{[]int{5}, []int{1}, 5},
		{[]int{2, 3, 4}, []int{12, 4, 1}, 24},
		{[]int{3, 0, 2}, []int{0, 2, 1}, 0},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.shape), func(t *testing.T) {
			x := New(c.shape...)
			if x.Numel() != c.numel || len(x.Data) != c.numel || x.Dims() != len(c.shape) {
				t.Fatalf("numel %d, len %d, dims %d", x.Numel(), len(x.Data), x.Dims())
			}
			if !slices.Equal(x.Strides, c.strides) && len(c.shape) > 0 {
				t.Errorf("strides %v, want %v", x.Strides, c.strides)
			}
			if !x.IsContiguous() {
				t.Error("new tensor not contiguous")
			}
			for _, v := range x.Data {
				if v != 0 {
					t.Fatal("not zero-filled")
				}
			}
		})
	}
	// New copies its shape argument.
	s := []int{2, 3}
	x := New(s...)
	s[0] = 9
	if x.Shape[0] != 2 {
		t.Error("New aliases the caller's shape")
	}
	mustPanic(t, "negative dimension in shape [2 -1]", func() { New(2, -1) })
}

func TestFromSliceScalarFull(t *testing.T) {
	d := []float32{1, 2, 3, 4, 5, 6}
	x := FromSlice(d, 2, 3)
	d[4] = 50 // shares storage
	if x.At(1, 1) != 50 || x.At(0, 2) != 3 {
		t.Errorf("FromSlice At = %v %v", x.At(1, 1), x.At(0, 2))
	}
	mustPanic(t, "tensor: FromSlice: 5 values for shape [2 3] (6 elements)", func() { FromSlice(d[:5], 2, 3) })
	s := Scalar(2.5)
	if s.Dims() != 0 || s.Numel() != 1 || s.Item() != 2.5 || s.At() != 2.5 {
		t.Errorf("Scalar %v", s)
	}
	f := Full(-1, 2, 2)
	if !slices.Equal(values(f), []float32{-1, -1, -1, -1}) {
		t.Errorf("Full %v", f)
	}
}

func TestAtSetDimItem(t *testing.T) {
	x := seq(2, 3, 4)
	for n := range x.Numel() {
		idx := unravel(n, x.Shape)
		if got := x.At(idx...); got != float32(n) {
			t.Fatalf("At%v = %v, want %d", idx, got, n)
		}
	}
	x.Set(-7, 1, 2, 3)
	if x.Data[23] != -7 {
		t.Error("Set wrote elsewhere")
	}
	if x.Dim(0) != 2 || x.Dim(-1) != 4 || x.Dim(-3) != 2 {
		t.Errorf("Dim %d %d %d", x.Dim(0), x.Dim(-1), x.Dim(-3))
	}
	mustPanic(t, "tensor: axis 3 out of range for shape [2 3 4]", func() { x.Dim(3) })
	// (The message names the axis after adding len(shape): -1 here, not -4.)
	mustPanic(t, "out of range for shape [2 3 4]", func() { x.Dim(-4) })
	mustPanic(t, "tensor: index [0 3 0] out of range for shape [2 3 4]", func() { x.At(0, 3, 0) })
	mustPanic(t, "tensor: index [0 -1 0] out of range", func() { x.At(0, -1, 0) })
	mustPanic(t, "tensor: index [0 0] for shape [2 3 4]", func() { x.At(0, 0) })
	mustPanic(t, "tensor: Item on shape [2 3 4]", func() { x.Item() })
	if v := FromSlice([]float32{4}, 1, 1).Item(); v != 4 {
		t.Errorf("Item = %v", v)
	}
}

func TestRawCloneCopyTo(t *testing.T) {
	x := seq(3, 4)
	r := x.Raw()
	r[0] = 10
	if x.Data[0] != 10 {
		t.Error("Raw does not share storage")
	}
	c := x.Clone()
	c.Data[1] = -1
	if x.Data[1] == -1 {
		t.Error("Clone shares storage")
	}
	if x.Contiguous() != x {
		t.Error("Contiguous copied a contiguous tensor")
	}
	tr := x.Transpose(0, 1)
	mustPanic(t, "tensor: Raw on a non-contiguous view (shape [4 3] strides [1 4])", func() { tr.Raw() })
	mustPanic(t, "tensor: CopyTo: destination of 2 for shape [3 4]", func() { x.CopyTo(make([]float32, 2)) })
	// A contiguous slice at an offset: Raw and Clone see only its elements.
	sl := x.Slice(0, 1, 3)
	if !sl.IsContiguous() || !slices.Equal(sl.Raw(), x.Data[4:12]) || !slices.Equal(sl.Clone().Data, x.Data[4:12]) {
		t.Errorf("offset slice Raw %v", sl.Raw())
	}
}

func TestFillZeroString(t *testing.T) {
	x := seq(3, 4)
	col := x.Slice(1, 1, 2) // non-contiguous column
	col.Fill(9)
	want := []float32{0, 9, 2, 3, 4, 9, 6, 7, 8, 9, 10, 11}
	if !slices.Equal(x.Data, want) {
		t.Errorf("Fill on a column: %v", x.Data)
	}
	col.Zero()
	if x.Data[1] != 0 || x.Data[5] != 0 || x.Data[2] != 2 {
		t.Errorf("Zero on a column: %v", x.Data)
	}
	x.Zero()
	for _, v := range x.Data {
		if v != 0 {
			t.Fatal("Zero left a value")
		}
	}
	if s := FromSlice([]float32{1, 2}, 2).String(); s != "Tensor[2][1 2]" {
		t.Errorf("String = %q", s)
	}
	if s := New(10, 10).String(); s != "Tensor[10 10]" {
		t.Errorf("String = %q", s)
	}
}

func TestRandomDeterministic(t *testing.T) {
	a := New(1000).Normal(NewRNG(5), 1, 2)
	b := New(1000).Normal(NewRNG(5), 1, 2)
	if !slices.Equal(a.Data, b.Data) {
		t.Fatal("same seed, different draws")
	}
	if c := New(1000).Normal(NewRNG(6), 1, 2); slices.Equal(a.Data, c.Data) {
		t.Fatal("different seeds, same draws")
	}
	var m, v float64
	for _, x := range a.Data {
		m += float64(x)
	}
	m /= 1000
	for _, x := range a.Data {
		v += (float64(x) - m) * (float64(x) - m)
	}
	v /= 999
	// 1000 draws: the mean is within 4 standard errors (4·2/√1000 ≈ 0.25).
	if math.Abs(m-1) > 0.25 || math.Abs(math.Sqrt(v)-2) > 0.25 {
		t.Errorf("Normal(1, 2): mean %v std %v", m, math.Sqrt(v))
	}
	bounds := []struct {
		name string
		x    *Tensor
		b    float64
	}{
		{"Uniform", New(500).Uniform(NewRNG(1), -0.5, 0.5), 0.5},
		{"KaimingUniform", New(500).KaimingUniform(NewRNG(1), 16), 0.25},
		{"XavierUniform", New(500).XavierUniform(NewRNG(1), 10, 14), 0.5},
	}
	for _, c := range bounds {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range c.x.Data {
			lo, hi = math.Min(lo, float64(x)), math.Max(hi, float64(x))
		}
		if lo < -c.b || hi > c.b || hi-lo < c.b { // inside the bounds and spread over them
			t.Errorf("%s: range [%v, %v] for bound %v", c.name, lo, hi, c.b)
		}
	}
	k := New(4000).KaimingNormal(NewRNG(2), 8) // std sqrt(2/8) = 0.5
	var s float64
	for _, x := range k.Data {
		s += float64(x) * float64(x)
	}
	if std := math.Sqrt(s / 4000); math.Abs(std-0.5) > 0.03 {
		t.Errorf("KaimingNormal std %v, want 0.5", std)
	}
}
