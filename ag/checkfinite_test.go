package ag

import (
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// TestCheckFiniteNamesTheOp checks the debug switch: the first op whose output
// holds a NaN or Inf is reported by name, and nothing is reported without it.
func TestCheckFiniteNamesTheOp(t *testing.T) {
	x := Param("x", tensor.FromSlice([]float32{1, -2, 3}, 3))
	for _, check := range []bool{false, true} {
		tp := NewTape(true)
		tp.CheckFinite = check
		y := tp.Exp(tp.Log(x)) // Log(-2) is NaN
		tp.Backward(tp.Sum(y, false))
		err := tp.Err()
		if !check {
			if err != nil {
				t.Errorf("CheckFinite off, got %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), "Log") {
			t.Errorf("CheckFinite on: error %v does not name Log", err)
		}
	}
}
