package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestL2NormalizeForward(t *testing.T) {
	tp := NewTape(false)
	x := cnst([]float32{3, 4, 0, 0, 1e-8, 0, -1, 2, 2}, 3, 3)
	// Row 2 has norm 1e-8 < eps 1e-6: divided by eps instead.
	got := tp.L2Normalize(x, 1e-6).Value
	checkValues(t, "hand", got, []float64{0.6, 0.8, 0, 0, 0.01, 0, -1.0 / 3, 2.0 / 3, 2.0 / 3}, 1e-6)
	zero := tp.L2Normalize(cnst([]float32{0, 0, 0}, 3), 1e-12).Value
	checkValues(t, "zero", zero, []float64{0, 0, 0}, 0)
	// Random rows come out with unit norm and the direction of the input.
	r := randT(51, 2, 3, 5)
	y := tp.L2Normalize(Const(r), 1e-12).Value
	for i := range 6 {
		var n2, dot, nx float64
		for k := range 5 {
			v, u := float64(y.Data[i*5+k]), float64(r.Data[i*5+k])
			n2 += v * v
			dot += v * u
			nx += u * u
		}
		if math.Abs(n2-1) > 1e-6 || math.Abs(dot-math.Sqrt(nx)) > 1e-5 {
			t.Fatalf("row %d: squared norm %v, <y, x> %v vs |x| %v", i, n2, dot, math.Sqrt(nx))
		}
	}
}

func TestGradL2Normalize(t *testing.T) {
	for _, shape := range [][]int{{5}, {3, 7}, {2, 3, 4}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			gradCheck(t, "L2Normalize", func(tp *Tape, v []*Var) *Var { return tp.L2Normalize(v[0], 1e-12) }, randT(52, shape...))
		})
	}
	// A row below eps (scaled down) is divided by the constant eps.
	x := randT(53, 2, 4)
	for k := range 4 {
		x.Data[k] *= 1e-3
	}
	gradCheckTol(t, "L2Normalize eps", 2e-2, 1e-5, func(tp *Tape, v []*Var) *Var { return tp.L2Normalize(v[0], 0.5) }, x)
}

func TestL2NormalizePanics(t *testing.T) {
	tp := NewTape(false)
	mustPanic(t, "ag: L2Normalize: needs at least one axis, got shape []", func() { tp.L2Normalize(Const(tensor.Scalar(1)), 1e-12) })
	mustPanic(t, "ag: L2Normalize: eps -1 < 0", func() { tp.L2Normalize(Const(tensor.New(2)), -1) })
}
