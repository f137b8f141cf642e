package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// TestDetach checks the stop-gradient: y = x·detach(x) has dy/dx = detach(x)
// = x, not 2x, and the detached value shares storage.
func TestDetach(t *testing.T) {
	p := Param("x", tensor.FromSlice([]float32{1, -2, 3}, 3))
	tp := NewTape(true)
	d := tp.Detach(p)
	if d.NeedsGrad() || d.IsParam() {
		t.Fatal("Detach result needs a gradient")
	}
	if &d.Value.Data[0] != &p.Value.Data[0] {
		t.Fatal("Detach copied the value")
	}
	tp.Backward(tp.Sum(tp.Mul(p, d), false))
	checkValues(t, "grad", p.Grad, []float64{1, -2, 3}, 0)
	// A loss built only from detached values records nothing.
	tp2 := NewTape(true)
	l := tp2.Sum(tp2.Exp(tp2.Detach(p)), false)
	if l.NeedsGrad() || len(tp2.nodes) != 0 {
		t.Errorf("detached branch recorded %d ops", len(tp2.nodes))
	}
}
