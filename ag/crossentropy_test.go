package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// naiveCrossEntropy follows PyTorch's cross_entropy(weight, label_smoothing)
// definition literally in float64: (1-ε)·NLL + ε/C·smooth, both normalised by
// Σ_i w[y_i] (or n without weights).
func naiveCrossEntropy(x *tensor.Tensor, targets []int, w []float32, eps float64) float64 {
	n, c := x.Shape[0], x.Shape[1]
	weight := func(k int) float64 {
		if w == nil {
			return 1
		}
		return float64(w[k])
	}
	var nll, smooth, denom float64
	for i := range n {
		var s float64
		for k := range c {
			s += math.Exp(float64(x.At(i, k)))
		}
		logp := func(k int) float64 { return float64(x.At(i, k)) - math.Log(s) }
		nll += -weight(targets[i]) * logp(targets[i])
		for k := range c {
			smooth += -weight(k) * logp(k)
		}
		denom += weight(targets[i])
	}
	return (1-eps)*nll/denom + eps/float64(c)*smooth/denom
}

func TestCrossEntropyForward(t *testing.T) {
	x := randT(41, 5, 7)
	targets := []int{0, 6, 3, 3, 1}
	w := []float32{0.5, 1, 2, 1.5, 0.25, 3, 1}
	for _, eps := range []float32{0, 0.1, 1} {
		t.Run(fmt.Sprint(eps), func(t *testing.T) {
			tp := NewTape(false)
			got := tp.CrossEntropy(Const(x), targets, eps).Item()
			if want := naiveCrossEntropy(x, targets, nil, float64(eps)); !near(float64(got), want, 1e-6) {
				t.Errorf("CrossEntropy = %v, want %v", got, want)
			}
			got = tp.WeightedCrossEntropy(Const(x), targets, w, eps).Item()
			if want := naiveCrossEntropy(x, targets, w, float64(eps)); !near(float64(got), want, 1e-6) {
				t.Errorf("WeightedCrossEntropy = %v, want %v", got, want)
			}
		})
	}
}

func TestCrossEntropyHandValues(t *testing.T) {
	tp := NewTape(false)
	// -log(e^3 / (e + e^2 + e^3)) = log(1 + e^-1 + e^-2)
	x := cnst([]float32{1, 2, 3}, 1, 3)
	if got, want := tp.CrossEntropy(x, []int{2}, 0).Item(), math.Log(1+math.Exp(-1)+math.Exp(-2)); !near(float64(got), want, 1e-6) {
		t.Errorf("CE = %v, want %v", got, want)
	}
	// Huge logits neither overflow nor lose the small loss.
	big := cnst([]float32{1e4, 1e4 + 2, -1e4}, 1, 3)
	if got, want := tp.CrossEntropy(big, []int{1}, 0).Item(), math.Log1p(math.Exp(-2)); !near(float64(got), want, 1e-6) {
		t.Errorf("CE large = %v, want %v", got, want)
	}
	// Equal weights give the unweighted loss.
	r := randT(42, 4, 3)
	a := tp.CrossEntropy(Const(r), []int{0, 1, 2, 1}, 0.2).Item()
	b := tp.WeightedCrossEntropy(Const(r), []int{0, 1, 2, 1}, []float32{2, 2, 2}, 0.2).Item()
	if !near(float64(a), float64(b), 1e-6) {
		t.Errorf("uniform weights %v vs %v", b, a)
	}
}

// TestCrossEntropyGradClosedForm checks the fused backward against
// (softmax - onehot)/n at large logits, where finite differences are useless.
func TestCrossEntropyGradClosedForm(t *testing.T) {
	p := Param("x", tensor.FromSlice([]float32{1000, 1001, 1002, -5, 0, 5}, 2, 3))
	tp := NewTape(true)
	tp.Backward(tp.CrossEntropy(p, []int{0, 2}, 0))
	e := []float64{math.Exp(-2), math.Exp(-1), 1}
	z := e[0] + e[1] + e[2]
	e2 := []float64{math.Exp(-10), math.Exp(-5), 1}
	z2 := e2[0] + e2[1] + e2[2]
	want := []float64{(e[0]/z - 1) / 2, e[1] / z / 2, e[2] / z / 2, e2[0] / z2 / 2, e2[1] / z2 / 2, (e2[2]/z2 - 1) / 2}
	checkValues(t, "grad", p.Grad, want, 1e-6)
}

func TestGradCrossEntropy(t *testing.T) {
	targets := []int{2, 0, 4}
	w := []float32{0.5, 1, 2, 1.5, 0.25}
	for _, eps := range []float32{0, 0.3} {
		t.Run(fmt.Sprint(eps), func(t *testing.T) {
			x := randT(43, 3, 5)
			gradCheck(t, "CrossEntropy", func(tp *Tape, v []*Var) *Var { return tp.CrossEntropy(v[0], targets, eps) }, x)
			gradCheck(t, "WeightedCrossEntropy", func(tp *Tape, v []*Var) *Var {
				return tp.WeightedCrossEntropy(v[0], targets, w, eps)
			}, x)
			// An upstream gradient other than 1 scales the fused backward.
			gradCheck(t, "CrossEntropy x3", func(tp *Tape, v []*Var) *Var {
				return tp.Scale(tp.CrossEntropy(v[0], targets, eps), 3)
			}, x)
		})
	}
}

func TestCrossEntropyPanics(t *testing.T) {
	tp := NewTape(false)
	x := Const(tensor.New(2, 3))
	mustPanic(t, "ag: CrossEntropy: logits must be (n, classes), got shape [6]", func() { tp.CrossEntropy(Const(tensor.New(6)), []int{0}, 0) })
	mustPanic(t, "ag: CrossEntropy: 3 targets for logits [2 3]", func() { tp.CrossEntropy(x, []int{0, 1, 2}, 0) })
	mustPanic(t, "ag: CrossEntropy: target 3 of row 1 out of range for logits [2 3]", func() { tp.CrossEntropy(x, []int{0, 3}, 0) })
	mustPanic(t, "ag: CrossEntropy: target -1 of row 0", func() { tp.CrossEntropy(x, []int{-1, 0}, 0) })
	mustPanic(t, "ag: CrossEntropy: label smoothing 1.5 outside [0, 1]", func() { tp.CrossEntropy(x, []int{0, 0}, 1.5) })
	mustPanic(t, "ag: WeightedCrossEntropy: 2 class weights for logits [2 3]", func() { tp.WeightedCrossEntropy(x, []int{0, 0}, []float32{1, 1}, 0) })
	mustPanic(t, "ag: WeightedCrossEntropy: 0 class weights", func() { tp.WeightedCrossEntropy(x, []int{0, 0}, nil, 0) })
}
