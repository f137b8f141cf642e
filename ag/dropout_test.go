package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestDropout(t *testing.T) {
	x := tensor.Full(2, 100, 101) // an odd count exercises the last half-draw
	t.Run("p=0 is identity", func(t *testing.T) {
		xv := Const(x)
		if got := NewTape(true).Dropout(xv, 0, tensor.NewRNG(1)); got != xv {
			t.Fatal("p=0 did not return its input")
		}
	})
	t.Run("p=1 zeroes", func(t *testing.T) {
		y := NewTape(false).Dropout(Const(x), 1, tensor.NewRNG(1))
		for _, v := range y.Value.Data {
			if v != 0 {
				t.Fatalf("value %v, want 0", v)
			}
		}
	})
	for _, p := range []float32{0.1, 0.5, 0.8} {
		t.Run(fmt.Sprintf("p=%v", p), func(t *testing.T) {
			xv := Param("x", x)
			tp := NewTape(true)
			y := tp.Dropout(xv, p, tensor.NewRNG(7))
			g := tensor.Full(3, x.Shape...)
			tp.BackwardWith(y, g.Data)
			scale := 1 / (1 - p)
			dropped := 0
			for i, v := range y.Value.Data {
				switch v {
				case 0:
					dropped++
					if xv.Grad.Data[i] != 0 {
						t.Fatalf("dropped element %d has gradient %v", i, xv.Grad.Data[i])
					}
				case 2 * scale:
					if d := xv.Grad.Data[i] - 3*scale; math.Abs(float64(d)) > 1e-6 {
						t.Fatalf("kept element %d has gradient %v, want %v", i, xv.Grad.Data[i], 3*scale)
					}
				default:
					t.Fatalf("element %d = %v, want 0 or %v", i, v, 2*scale)
				}
			}
			// Binomial(n, p): within 5 standard deviations.
			n := float64(x.Numel())
			if sd := math.Sqrt(n * float64(p*(1-p))); math.Abs(float64(dropped)-n*float64(p)) > 5*sd {
				t.Fatalf("dropped %d of %v with p=%v", dropped, n, p)
			}
			// Same seed, same mask.
			y2 := NewTape(false).Dropout(Const(x), p, tensor.NewRNG(7))
			assertClose(t, "determinism", y2.Value.Data, y.Value.Data, 0)
		})
	}
	t.Run("bad p", func(t *testing.T) {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic for p=1.5")
			}
		}()
		NewTape(false).Dropout(Const(x), 1.5, tensor.NewRNG(1))
	})
}
