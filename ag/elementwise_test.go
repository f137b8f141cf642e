package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

type elementwiseCase struct {
	name string
	op   func(tp *Tape, v *Var) *Var
	ref  func(x float64) float64
	// domain maps a standard normal draw into the op's domain for the gradient check.
	domain func(x float32) float32
}

func positive(x float32) float32 { return float32(math.Abs(float64(x))) + 0.3 }

func geluExactRef(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

func geluTanhRef(x float64) float64 {
	return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*(x+0.044715*x*x*x)))
}

var elementwiseCases = []elementwiseCase{
	{"Exp", (*Tape).Exp, math.Exp, nil},
	{"Log", (*Tape).Log, math.Log, positive},
	{"Sqrt", (*Tape).Sqrt, math.Sqrt, positive},
	{"Pow3", func(tp *Tape, v *Var) *Var { return tp.Pow(v, 3) }, func(x float64) float64 { return x * x * x }, nil},
	{"Pow2", func(tp *Tape, v *Var) *Var { return tp.Pow(v, 2) }, func(x float64) float64 { return x * x }, nil},
	{"Pow1", func(tp *Tape, v *Var) *Var { return tp.Pow(v, 1) }, func(x float64) float64 { return x }, nil},
	{"Pow0", func(tp *Tape, v *Var) *Var { return tp.Pow(v, 0) }, func(float64) float64 { return 1 }, nil},
	{"Pow-1.5", func(tp *Tape, v *Var) *Var { return tp.Pow(v, -1.5) }, func(x float64) float64 { return math.Pow(x, -1.5) }, positive},
	{"Pow0.5", func(tp *Tape, v *Var) *Var { return tp.Pow(v, 0.5) }, math.Sqrt, positive},
	{"Abs", (*Tape).Abs, math.Abs, nil},
	{"Clamp", func(tp *Tape, v *Var) *Var { return tp.Clamp(v, -0.5, 0.7) }, func(x float64) float64 { return math.Min(math.Max(x, -0.5), 0.7) }, nil},
	{"ClampMin", func(tp *Tape, v *Var) *Var { return tp.Clamp(v, 0.1, float32(math.Inf(1))) }, func(x float64) float64 { return math.Max(x, 0.1) }, nil},
	{"LeakyReLU", func(tp *Tape, v *Var) *Var { return tp.LeakyReLU(v, 0.1) }, func(x float64) float64 {
		if x > 0 {
			return x
		}
		return 0.1 * x
	}, nil},
	{"GELUExact", func(tp *Tape, v *Var) *Var { return tp.GELU(v, GELUExact) }, geluExactRef, nil},
	{"GELUTanh", func(tp *Tape, v *Var) *Var { return tp.GELU(v, GELUTanh) }, geluTanhRef, nil},
	{"Tanh", (*Tape).Tanh, math.Tanh, nil},
	{"Sigmoid", (*Tape).Sigmoid, func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }, nil},
}

func TestElementwiseForward(t *testing.T) {
	xs := []float32{-30, -3, -1.25, -0.5, 0, 0.3, 1, 2.5, 30}
	for _, c := range elementwiseCases {
		t.Run(c.name, func(t *testing.T) {
			in := make([]float32, len(xs))
			for i, x := range xs {
				if c.domain != nil {
					x = c.domain(x)
				}
				in[i] = x
			}
			want := make([]float64, len(in))
			for i, x := range in {
				want[i] = c.ref(float64(x))
			}
			out := c.op(NewTape(false), cnst(in, 3, 3))
			if !tensor.SameShape(out.Value, tensor.New(3, 3)) {
				t.Fatalf("shape %v", out.Value.Shape)
			}
			checkValues(t, c.name, out.Value, want, 2e-6)
		})
	}
}

func TestElementwiseGrad(t *testing.T) {
	for _, c := range elementwiseCases {
		for _, shape := range [][]int{{}, {7}, {3, 5}, {2, 3, 5}} {
			t.Run(fmt.Sprintf("%s%v", c.name, shape), func(t *testing.T) {
				x := randT(11, shape...)
				if c.domain != nil {
					for i, v := range x.Data {
						x.Data[i] = c.domain(v)
					}
				}
				gradCheck(t, c.name, func(tp *Tape, v []*Var) *Var { return c.op(tp, v[0]) }, x)
			})
		}
	}
}

// TestElementwiseHandValues pins a few values computed independently (PyTorch
// 2.x float64 results).
func TestElementwiseHandValues(t *testing.T) {
	tp := NewTape(false)
	x := cnst([]float32{1, -1, 3}, 3)
	checkValues(t, "GELU exact", tp.GELU(x, GELUExact).Value, []float64{0.8413447460685429, -0.15865525393145707, 2.9959507058438266}, 1e-6)
	checkValues(t, "GELU tanh", tp.GELU(x, GELUTanh).Value, []float64{0.8411919906082768, -0.15880800939172324, 2.99636381203611}, 1e-6)
	checkValues(t, "Sigmoid", tp.Sigmoid(cnst([]float32{-100, 0, 100}, 3)).Value, []float64{3.720075976020836e-44, 0.5, 1}, 1e-6)
}

func TestElementwiseSpecialGrads(t *testing.T) {
	// Values at kinks follow PyTorch: |x|' = 0 at 0, clamp passes at the bounds,
	// LeakyReLU' = slope at 0.
	cases := []struct {
		name string
		op   func(tp *Tape, v *Var) *Var
		x    []float32
		want []float64
	}{
		{"Abs", (*Tape).Abs, []float32{-2, 0, 3}, []float64{-1, 0, 1}},
		{"Clamp", func(tp *Tape, v *Var) *Var { return tp.Clamp(v, -1, 1) }, []float32{-1, -1.5, 1, 2, 0}, []float64{1, 0, 1, 0, 1}},
		{"LeakyReLU", func(tp *Tape, v *Var) *Var { return tp.LeakyReLU(v, 0.2) }, []float32{-1, 0, 1}, []float64{0.2, 0.2, 1}},
		{"Sqrt", (*Tape).Sqrt, []float32{0, 4}, []float64{math.Inf(1), 0.25}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := Param("x", tensor.FromSlice(c.x, len(c.x)))
			tp := NewTape(true)
			tp.Backward(tp.Sum(c.op(tp, p), false))
			checkValues(t, c.name, p.Grad, c.want, 1e-6)
		})
	}
}

func TestElementwisePanics(t *testing.T) {
	x := cnst([]float32{1, 2}, 2)
	tp := NewTape(false)
	mustPanic(t, "ag: Clamp: lo 2 > hi 1", func() { tp.Clamp(x, 2, 1) })
	mustPanic(t, "ag: Clamp: lo NaN", func() { tp.Clamp(x, float32(math.NaN()), 1) })
	mustPanic(t, "ag: GELU: unknown approximation GELUApprox(7)", func() { tp.GELU(x, 7) })
	if GELUExact.String() != "exact" || GELUTanh.String() != "tanh" {
		t.Errorf("GELUApprox strings %v %v", GELUExact, GELUTanh)
	}
}
