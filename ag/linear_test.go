package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestLinear(t *testing.T) {
	for _, bias := range []bool{true, false} {
		name := "bias"
		if !bias {
			name = "nobias"
		}
		t.Run(name, func(t *testing.T) {
			x, w, b := randT(41, 5, 7), randT(42, 3, 7), randT(43, 3)
			var bv *Var
			if bias {
				bv = Const(b)
			}
			got := NewTape(false).Linear(Const(x), Const(w), bv)
			want := tensor.New(5, 3)
			for i := 0; i < 5; i++ {
				for o := 0; o < 3; o++ {
					var s float64
					if bias {
						s = float64(b.Data[o])
					}
					for k := 0; k < 7; k++ {
						s += float64(x.At(i, k)) * float64(w.At(o, k))
					}
					want.Set(float32(s), i, o)
				}
			}
			assertClose(t, "out", got.Value.Data, want.Data, 1e-5)
			ins := []*tensor.Tensor{x, w}
			if bias {
				ins = append(ins, b)
			}
			gradCheckPW(t, "Linear", func(tp *Tape, v []*Var) *Var {
				if len(v) == 3 {
					return tp.Linear(v[0], v[1], v[2])
				}
				return tp.Linear(v[0], v[1], nil)
			}, ins...)
		})
	}
}

func TestLinearPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for mismatched in-features")
		}
	}()
	NewTape(false).Linear(Const(tensor.New(2, 3)), Const(tensor.New(4, 5)), nil)
}
