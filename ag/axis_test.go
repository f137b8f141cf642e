package ag

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// mustPanic checks that fn panics with a message starting with prefix.
func mustPanic(t *testing.T, prefix string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Errorf("no panic, want %q...", prefix)
			return
		}
		if msg := fmt.Sprint(r); !strings.HasPrefix(msg, prefix) {
			t.Errorf("panic %q, want prefix %q", msg, prefix)
		}
	}()
	fn()
}

// near reports whether got is within tol of want, relative for large values.
func near(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	if math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// checkValues compares a tensor's row-major values with want.
func checkValues(t *testing.T, name string, got *tensor.Tensor, want []float64, tol float64) {
	t.Helper()
	g := make([]float32, got.Numel())
	got.CopyTo(g)
	if len(g) != len(want) {
		t.Fatalf("%s: %d values, want %d", name, len(g), len(want))
	}
	for i := range g {
		if !near(float64(g[i]), want[i], tol) {
			t.Fatalf("%s: [%d] = %v, want %v", name, i, g[i], want[i])
		}
	}
}

// cnst wraps a fresh tensor as a Const, for forward-only checks.
func cnst(data []float32, shape ...int) *Var { return Const(tensor.FromSlice(data, shape...)) }

func TestAxisOf(t *testing.T) {
	for _, c := range []struct{ axis, want int }{{0, 0}, {2, 2}, {-1, 2}, {-3, 0}} {
		if got := axisOf("X", []int{2, 3, 4}, c.axis); got != c.want {
			t.Errorf("axisOf(%d) = %d, want %d", c.axis, got, c.want)
		}
	}
	mustPanic(t, "ag: X: axis 3 out of range for shape [2 3 4]", func() { axisOf("X", []int{2, 3, 4}, 3) })
	mustPanic(t, "ag: X: axis -4", func() { axisOf("X", []int{2, 3, 4}, -4) })
	o, n, i := splitAxis([]int{2, 3, 4, 5}, 2)
	if o != 6 || n != 4 || i != 5 {
		t.Errorf("splitAxis = %d %d %d", o, n, i)
	}
}

// TestValueOfView checks that ops read a Const made from an offset view (a
// contiguous slice of a larger tensor) at its offset. (The core's unary, binary
// and ReLU read Value.Data from index 0 and do not pass this yet.)
func TestValueOfView(t *testing.T) {
	big := tensor.FromSlice([]float32{9, 9, 1, 2, 3, 4}, 3, 2)
	v := Const(big.Slice(0, 1, 3)) // rows 1..2: contiguous, offset 2
	tp := NewTape(false)
	checkValues(t, "Reshape", tp.Reshape(v, 4).Value, []float64{1, 2, 3, 4}, 0)
	checkValues(t, "Max", tp.Max(v, false, 1).Value, []float64{2, 4}, 0)
	checkValues(t, "Permute", tp.Permute(v, 1, 0).Value, []float64{1, 3, 2, 4}, 0)
	checkValues(t, "LogSumExp", tp.LogSumExp(v, 0, false).Value, []float64{3 + math.Log1p(math.Exp(-2)), 4 + math.Log1p(math.Exp(-2))}, 1e-6)
}
