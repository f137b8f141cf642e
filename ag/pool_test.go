package ag

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// avgPoolRef is the naive average pool of a (N, C, H, W) tensor.
func avgPoolRef(x *tensor.Tensor, k, s int) *tensor.Tensor {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := (h-k)/s+1, (w-k)/s+1
	out := tensor.New(n, c, oh, ow)
	for i := 0; i < n; i++ {
		for j := 0; j < c; j++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var sum float64
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							sum += float64(x.At(i, j, oy*s+ky, ox*s+kx))
						}
					}
					out.Set(float32(sum/float64(k*k)), i, j, oy, ox)
				}
			}
		}
	}
	return out
}

var poolCases = []struct{ n, c, h, w, k, s int }{
	{2, 3, 6, 6, 2, 2},  // even
	{2, 2, 7, 5, 2, 2},  // odd H/W: floor drops the last row and column
	{1, 3, 7, 8, 3, 2},  // overlapping windows
	{2, 2, 5, 4, 2, 1},  // stride 1
	{1, 2, 9, 9, 3, 3},  // window equal to stride, odd sizes
	{1, 65, 4, 4, 2, 2}, // enough planes to run in parallel
}

func TestPoolForward(t *testing.T) {
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := randT(31, c.n, c.c, c.h, c.w)
			tp := NewTape(false)
			assertClose(t, "max", tp.MaxPool2d(Const(x), c.k, c.s).Value.Data, maxPoolRef(x, c.k, c.s).Data, 0)
			assertClose(t, "avg", tp.AvgPool2d(Const(x), c.k, c.s).Value.Data, avgPoolRef(x, c.k, c.s).Data, 1e-6)
			g := tp.GlobalAvgPool(Const(x))
			for i := 0; i < c.n*c.c; i++ {
				var s float64
				for _, v := range x.Data[i*c.h*c.w : (i+1)*c.h*c.w] {
					s += float64(v)
				}
				assertClose(t, "global", g.Value.Data[i:i+1], []float32{float32(s / float64(c.h*c.w))}, 1e-6)
			}
		})
	}
}

func TestGradPool(t *testing.T) {
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := randT(32, c.n, c.c, c.h, c.w)
			gradCheckPW(t, "MaxPool2d", func(tp *Tape, v []*Var) *Var { return tp.MaxPool2d(v[0], c.k, c.s) }, x)
			gradCheckPW(t, "AvgPool2d", func(tp *Tape, v []*Var) *Var { return tp.AvgPool2d(v[0], c.k, c.s) }, x)
			gradCheckPW(t, "GlobalAvgPool", func(tp *Tape, v []*Var) *Var { return tp.GlobalAvgPool(v[0]) }, x)
		})
	}
}

// TestMaxPoolTieGoesToFirst checks PyTorch's rule: the whole gradient of a window
// goes to its first maximum in row-major order.
func TestMaxPoolTieGoesToFirst(t *testing.T) {
	x := Param("x", tensor.FromSlice([]float32{1, 3, 3, 0, 3, 3, 2, 2}, 1, 2, 2, 2))
	tp := NewTape(true)
	y := tp.MaxPool2d(x, 2, 2)
	tp.BackwardWith(y, []float32{5, 7})
	assertClose(t, "dx", x.Grad.Data, []float32{0, 5, 0, 0, 7, 0, 0, 0}, 0)
}
