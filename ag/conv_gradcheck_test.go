package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// gradCheckPW is the finite-difference gradient check for the CNN and
// normalisation ops, whose outputs are large (hundreds of elements) and, for
// ReLU and max-pooling, piecewise linear. Unlike gradCheck it sums the weighted
// loss in float64 outside the tape, so that float32 rounding of a big sum does
// not swamp the difference; an element whose left and right one-sided
// differences disagree sits on a kink (a ReLU or max-pool switch inside the
// step) and is skipped. At most a fifth of the elements may be skipped.
func gradCheckPW(t *testing.T, name string, f func(tp *Tape, xs []*Var) *Var, inputs ...*tensor.Tensor) {
	t.Helper()
	const eps, rtol = 1e-3, 1e-2
	params := make([]*Var, len(inputs))
	for i, in := range inputs {
		params[i] = Param(fmt.Sprintf("x%d", i), in.Clone())
	}
	tp := NewTape(true)
	out := f(tp, params)
	w := tensor.New(out.Value.Shape...).Uniform(tensor.NewRNG(99), 0.5, 1.5)
	tp.BackwardWith(out, w.Data)
	loss := func() float64 {
		o := f(NewTape(false), params)
		var s float64
		for i, v := range o.Value.Data {
			s += float64(v) * float64(w.Data[i])
		}
		return s
	}
	for i, p := range params {
		skipped := 0
		for j := range p.Value.Data {
			orig := p.Value.Data[j]
			l0 := loss()
			p.Value.Data[j] = orig + eps
			lp := loss()
			p.Value.Data[j] = orig - eps
			lm := loss()
			p.Value.Data[j] = orig
			right, left := (lp-l0)/eps, (l0-lm)/eps
			num := (lp - lm) / (2 * eps)
			scale := math.Max(1, math.Abs(num))
			if math.Abs(right-left) > rtol*scale {
				skipped++
				continue
			}
			if got := float64(p.Grad.Data[j]); math.Abs(got-num) > rtol*scale {
				t.Errorf("%s: d/dx%d[%d]: analytic %.6g, numeric %.6g", name, i, j, got, num)
				return
			}
		}
		if n := len(p.Value.Data); skipped > n/5 {
			t.Errorf("%s: x%d: %d of %d elements on kinks: the check lost its power", name, i, skipped, n)
		}
	}
}
