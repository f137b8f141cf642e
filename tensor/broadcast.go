package tensor

import (
	"fmt"
	"slices"
)

// BroadcastShape returns the NumPy broadcast of shapes a and b, or an error when
// they are incompatible.
func BroadcastShape(a, b []int) ([]int, error) {
	n := max(len(a), len(b))
	out := make([]int, n)
	for i := range n {
		da, db := 1, 1
		if j := i - (n - len(a)); j >= 0 {
			da = a[j]
		}
		if j := i - (n - len(b)); j >= 0 {
			db = b[j]
		}
		switch {
		case da == db, db == 1:
			out[i] = da
		case da == 1:
			out[i] = db
		default:
			return nil, fmt.Errorf("shapes %v and %v do not broadcast", a, b)
		}
	}
	return out, nil
}

// MustBroadcastShape is BroadcastShape that panics, naming op, on mismatch.
func MustBroadcastShape(op string, a, b []int) []int {
	s, err := BroadcastShape(a, b)
	if err != nil {
		panic("tensor: " + op + ": " + err.Error())
	}
	return s
}

// Binary applies f element-wise over the broadcast of a and b into out, which must
// be contiguous with the broadcast shape. Equal-shape contiguous operands and a
// scalar operand take fast paths.
func Binary(out, a, b *Tensor, f func(x, y float32) float32) {
	shape := MustBroadcastShape("Binary", a.Shape, b.Shape)
	if !slices.Equal(out.Shape, shape) || !out.IsContiguous() {
		panic(fmt.Sprintf("tensor: Binary: output %v for broadcast shape %v", out.Shape, shape))
	}
	o := out.Raw()
	if SameShape(a, b) && a.IsContiguous() && b.IsContiguous() {
		x, y := a.Raw(), b.Raw()
		for i := range o {
			o[i] = f(x[i], y[i])
		}
		return
	}
	if b.Numel() == 1 && a.IsContiguous() && SameShape(a, out) {
		x, y := a.Raw(), b.Data[b.Offset]
		for i := range o {
			o[i] = f(x[i], y)
		}
		return
	}
	ea, eb := a.Expand(shape...), b.Expand(shape...)
	va := make([]float32, len(o))
	ea.CopyTo(va)
	i := 0
	eb.each(func(off int) { o[i] = f(va[i], eb.Data[off]); i++ })
}

// Add returns a + b with broadcasting.
func Add(a, b *Tensor) *Tensor {
	return binaryNew("Add", a, b, func(x, y float32) float32 { return x + y })
}

// Sub returns a - b with broadcasting.
func Sub(a, b *Tensor) *Tensor {
	return binaryNew("Sub", a, b, func(x, y float32) float32 { return x - y })
}

// Mul returns a * b element-wise with broadcasting.
func Mul(a, b *Tensor) *Tensor {
	return binaryNew("Mul", a, b, func(x, y float32) float32 { return x * y })
}

// Div returns a / b element-wise with broadcasting.
func Div(a, b *Tensor) *Tensor {
	return binaryNew("Div", a, b, func(x, y float32) float32 { return x / y })
}

func binaryNew(op string, a, b *Tensor, f func(x, y float32) float32) *Tensor {
	out := New(MustBroadcastShape(op, a.Shape, b.Shape)...)
	Binary(out, a, b, f)
	return out
}

// Map returns f applied to every element of t, as a new contiguous tensor.
func Map(t *Tensor, f func(float32) float32) *Tensor {
	out := t.Clone()
	d := out.Data
	for i := range d {
		d[i] = f(d[i])
	}
	return out
}

// Scale multiplies every element of t by s in place.
func (t *Tensor) Scale(s float32) {
	if !t.IsContiguous() {
		t.each(func(off int) { t.Data[off] *= s })
		return
	}
	d := t.Raw()
	for i := range d {
		d[i] *= s
	}
}

// AddScaled adds s*u to t in place (axpy); t and u must have equal shapes.
func (t *Tensor) AddScaled(s float32, u *Tensor) {
	if !SameShape(t, u) {
		panic(fmt.Sprintf("tensor: AddScaled: shapes %v and %v differ", t.Shape, u.Shape))
	}
	d, e := t.Raw(), u.Contiguous().Raw()
	for i := range d {
		d[i] += s * e[i]
	}
}
