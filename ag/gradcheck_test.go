package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// gradCheck compares the gradients that Backward gives for every input of f with
// central finite differences, computed in float32 on a scalar loss that weights
// each output element with a fixed random coefficient (so every output matters).
// f builds its output on the tape from Params wrapping the inputs.
func gradCheck(t *testing.T, name string, f func(tp *Tape, xs []*Var) *Var, inputs ...*tensor.Tensor) {
	t.Helper()
	gradCheckTol(t, name, 2e-2, 1e-3, f, inputs...)
}

func gradCheckTol(t *testing.T, name string, rtol, eps float64, f func(tp *Tape, xs []*Var) *Var, inputs ...*tensor.Tensor) {
	t.Helper()
	params := make([]*Var, len(inputs))
	for i, in := range inputs {
		params[i] = Param(fmt.Sprintf("x%d", i), in.Clone())
	}
	// Fixed output weights.
	tp := NewTape(true)
	out := f(tp, params)
	rng := tensor.NewRNG(99)
	w := tensor.New(out.Value.Shape...).Uniform(rng, 0.5, 1.5)
	loss := func(tp *Tape) *Var {
		o := f(tp, params)
		return tp.Sum(tp.Mul(o, Const(w)), false)
	}
	tp.Reset()
	l := loss(tp)
	tp.Backward(l)
	for i, p := range params {
		analytic := p.Grad.Clone()
		for j := range p.Value.Data {
			orig := p.Value.Data[j]
			p.Value.Data[j] = orig + float32(eps)
			tp2 := NewTape(false)
			lp := float64(loss(tp2).Item())
			p.Value.Data[j] = orig - float32(eps)
			lm := float64(loss(tp2).Item())
			p.Value.Data[j] = orig
			num := (lp - lm) / (2 * eps)
			got := float64(analytic.Data[j])
			if diff := math.Abs(num - got); diff > rtol*math.Max(1, math.Abs(num)) {
				t.Errorf("%s: d/dx%d[%d]: analytic %.6g, numeric %.6g", name, i, j, got, num)
				return
			}
		}
	}
}

func randT(seed uint64, shape ...int) *tensor.Tensor {
	return tensor.New(shape...).Normal(tensor.NewRNG(seed), 0, 1)
}

func TestGradBinaryBroadcast(t *testing.T) {
	shapes := [][2][]int{{{3, 4}, {3, 4}}, {{3, 4}, {4}}, {{2, 3, 1}, {1, 5}}, {{5}, {}}, {{1, 4}, {3, 1}}}
	ops := map[string]func(tp *Tape, a, b *Var) *Var{
		"Add": (*Tape).Add, "Sub": (*Tape).Sub, "Mul": (*Tape).Mul,
		"Div": func(tp *Tape, a, b *Var) *Var { return tp.Div(a, tp.AddScalar(tp.Mul(b, b), 1)) },
	}
	for name, op := range ops {
		for _, s := range shapes {
			t.Run(fmt.Sprintf("%s%v%v", name, s[0], s[1]), func(t *testing.T) {
				gradCheck(t, name, func(tp *Tape, x []*Var) *Var { return op(tp, x[0], x[1]) }, randT(1, s[0]...), randT(2, s[1]...))
			})
		}
	}
}

func TestGradMatMul(t *testing.T) {
	for _, ta := range []bool{false, true} {
		for _, tb := range []bool{false, true} {
			m, k, n := 3, 5, 4
			as, bs := []int{m, k}, []int{k, n}
			if ta {
				as = []int{k, m}
			}
			if tb {
				bs = []int{n, k}
			}
			t.Run(fmt.Sprintf("tA=%v,tB=%v", ta, tb), func(t *testing.T) {
				gradCheck(t, "MatMul", func(tp *Tape, x []*Var) *Var { return tp.MatMul(x[0], x[1], ta, tb) }, randT(3, as...), randT(4, bs...))
				bas, bbs := append([]int{2}, as...), append([]int{2}, bs...)
				gradCheck(t, "BatchedMatMul", func(tp *Tape, x []*Var) *Var { return tp.BatchedMatMul(x[0], x[1], ta, tb) }, randT(5, bas...), randT(6, bbs...))
			})
		}
	}
}

func TestGradReductions(t *testing.T) {
	x := randT(7, 2, 3, 4)
	for _, axes := range [][]int{nil, {0}, {1}, {-1}, {0, 2}} {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%v,%v", axes, keep), func(t *testing.T) {
				gradCheck(t, "Sum", func(tp *Tape, v []*Var) *Var { return tp.Sum(v[0], keep, axes...) }, x)
				gradCheck(t, "Mean", func(tp *Tape, v []*Var) *Var { return tp.Mean(v[0], keep, axes...) }, x)
			})
		}
	}
}

func TestGradReLU(t *testing.T) {
	gradCheck(t, "ReLU", func(tp *Tape, v []*Var) *Var { return tp.ReLU(v[0]) }, randT(8, 4, 5))
}
