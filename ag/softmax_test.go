package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// naiveSoftmax computes softmax (or log-softmax) along axis in float64 by index
// arithmetic, without the max shift: fine for moderate inputs.
func naiveSoftmax(x *tensor.Tensor, axis int, logOut bool) []float64 {
	axis = (axis + x.Dims()) % x.Dims()
	outer, n, inner := splitAxis(x.Shape, axis)
	out := make([]float64, x.Numel())
	for o := range outer {
		for j := range inner {
			var s float64
			for i := range n {
				s += math.Exp(float64(x.Data[(o*n+i)*inner+j]))
			}
			for i := range n {
				k := (o*n+i)*inner + j
				if logOut {
					out[k] = float64(x.Data[k]) - math.Log(s)
				} else {
					out[k] = math.Exp(float64(x.Data[k])) / s
				}
			}
		}
	}
	return out
}

func TestSoftmaxForward(t *testing.T) {
	x := randT(31, 2, 3, 5)
	for _, axis := range []int{0, 1, 2, -1, -2} {
		t.Run(fmt.Sprint(axis), func(t *testing.T) {
			tp := NewTape(false)
			checkValues(t, "Softmax", tp.Softmax(Const(x), axis).Value, naiveSoftmax(x, axis, false), 1e-6)
			checkValues(t, "LogSoftmax", tp.LogSoftmax(Const(x), axis).Value, naiveSoftmax(x, axis, true), 1e-6)
			// Every group along the axis sums to 1.
			s := tensor.Reduce(tp.Softmax(Const(x), axis).Value, tensor.ReduceSum, false, axis)
			for i, v := range s.Data {
				if math.Abs(float64(v)-1) > 1e-6 {
					t.Fatalf("group %d sums to %v", i, v)
				}
			}
		})
	}
}

func TestSoftmaxLargeValues(t *testing.T) {
	tp := NewTape(false)
	x := cnst([]float32{1000, 1001, 1002, -1000, -1001, -1002}, 2, 3)
	e := []float64{math.Exp(-2), math.Exp(-1), 1}
	z := e[0] + e[1] + e[2]
	checkValues(t, "Softmax", tp.Softmax(x, 1).Value, []float64{e[0] / z, e[1] / z, e[2] / z, e[2] / z, e[1] / z, e[0] / z}, 1e-6)
	checkValues(t, "LogSoftmax", tp.LogSoftmax(x, -1).Value,
		[]float64{-2 - math.Log(z), -1 - math.Log(z), -math.Log(z), -math.Log(z), -1 - math.Log(z), -2 - math.Log(z)}, 1e-6)
	// A -Inf logit (a masked entry) gets probability 0 and log-probability -Inf.
	inf := float32(math.Inf(-1))
	m := cnst([]float32{0, inf, 0}, 1, 3)
	checkValues(t, "masked", tp.Softmax(m, 1).Value, []float64{0.5, 0, 0.5}, 1e-7)
	checkValues(t, "masked log", tp.LogSoftmax(m, 1).Value, []float64{-math.Ln2, math.Inf(-1), -math.Ln2}, 1e-7)
}

func TestGradSoftmax(t *testing.T) {
	for _, c := range []struct {
		shape []int
		axis  int
	}{{[]int{7}, 0}, {[]int{3, 5}, 1}, {[]int{3, 5}, 0}, {[]int{2, 3, 5}, -2}, {[]int{2, 3, 5}, -1}, {[]int{2, 3, 5}, 0}} {
		t.Run(fmt.Sprintf("%v,%d", c.shape, c.axis), func(t *testing.T) {
			x := randT(32, c.shape...)
			gradCheck(t, "Softmax", func(tp *Tape, v []*Var) *Var { return tp.Softmax(v[0], c.axis) }, x)
			gradCheck(t, "LogSoftmax", func(tp *Tape, v []*Var) *Var { return tp.LogSoftmax(v[0], c.axis) }, x)
			gradCheck(t, "LogSumExp", func(tp *Tape, v []*Var) *Var { return tp.LogSumExp(v[0], c.axis, false) }, x)
			gradCheck(t, "LogSumExpKeep", func(tp *Tape, v []*Var) *Var { return tp.LogSumExp(v[0], c.axis, true) }, x)
		})
	}
}

func TestLogSumExpForward(t *testing.T) {
	tp := NewTape(false)
	x := randT(33, 2, 3, 4)
	for _, axis := range []int{0, 1, -1} {
		for _, keep := range []bool{false, true} {
			got := tp.LogSumExp(Const(x), axis, keep).Value
			ls := naiveSoftmax(x, axis, true) // x - lse, so lse = x - logsoftmax
			want := tensor.Reduce(x, tensor.ReduceMax, keep, axis)
			ax := (axis + 3) % 3
			outer, n, inner := splitAxis(x.Shape, ax)
			w := make([]float64, 0, want.Numel())
			for o := range outer {
				for j := range inner {
					k := o*n*inner + j
					w = append(w, float64(x.Data[k])-ls[k])
				}
			}
			if got.Dims() != want.Dims() || !tensor.SameShape(got, want) {
				t.Fatalf("axis %d keep %v: shape %v, want %v", axis, keep, got.Shape, want.Shape)
			}
			checkValues(t, fmt.Sprintf("axis %d", axis), got, w, 1e-6)
		}
	}
	inf := float32(math.Inf(1))
	big := cnst([]float32{1e30, 1e30, 88, 89, -inf, -inf, inf, 0}, 4, 2)
	checkValues(t, "large", tp.LogSumExp(big, 1, false).Value,
		[]float64{1e30 + math.Ln2, 89 + math.Log1p(math.Exp(-1)), math.Inf(-1), math.Inf(1)}, 1e-6)
}

// TestLogSumExpGradLarge checks the LogSumExp gradient against softmax at
// large values, where x - lse in float32 would lose digits.
func TestLogSumExpGradLarge(t *testing.T) {
	p := Param("x", tensor.FromSlice([]float32{1000, 1001, 1002}, 3))
	tp := NewTape(true)
	tp.Backward(tp.LogSumExp(p, 0, false))
	e := []float64{math.Exp(-2), math.Exp(-1), 1}
	z := e[0] + e[1] + e[2]
	checkValues(t, "grad", p.Grad, []float64{e[0] / z, e[1] / z, e[2] / z}, 1e-6)
}

func TestSoftmaxPanics(t *testing.T) {
	tp := NewTape(false)
	x := Const(tensor.New(2, 3))
	mustPanic(t, "ag: Softmax: axis 2 out of range for shape [2 3]", func() { tp.Softmax(x, 2) })
	mustPanic(t, "ag: LogSoftmax: axis -3 out of range", func() { tp.LogSoftmax(x, -3) })
	mustPanic(t, "ag: LogSumExp: axis 5 out of range", func() { tp.LogSumExp(x, 5, true) })
}
