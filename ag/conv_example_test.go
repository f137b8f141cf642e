package ag_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// A 3x3 box filter over a 4x4 image, with the convolution, bias, ReLU and 2x2
// max-pool fused into one op, and the gradient of the pooled sum.
func ExampleTape_Conv2dFused() {
	x := ag.Const(tensor.FromSlice([]float32{
		1, 2, 3, 4,
		5, 6, 7, 8,
		9, 10, 11, 12,
		13, 14, 15, 16,
	}, 1, 1, 4, 4))
	w := ag.Param("w", tensor.Full(1.0/9, 1, 1, 3, 3))
	b := ag.Param("b", tensor.FromSlice([]float32{-7}, 1))
	tp := ag.NewTape(true)
	// Conv (1,1,2,2): the window means 6, 7, 10, 11; minus 7: -1, 0, 3, 4; ReLU; max-pool: 4.
	y := tp.Conv2dFused(x, w, b, 1, 0, 1, ag.ConvFuse{ReLU: true, PoolK: 2})
	tp.Backward(tp.Sum(y, false))
	fmt.Println(y.Shape(), y.Item())
	fmt.Printf("db %.0f, dw[0] %.0f (the input under the winning window's first tap)\n", b.Grad.Data[0], w.Grad.Data[0])
	// Output:
	// [1 1 1 1] 4
	// db 1, dw[0] 6 (the input under the winning window's first tap)
}

// Linear takes PyTorch's weight layout (out, in).
func ExampleTape_Linear() {
	x := ag.Const(tensor.FromSlice([]float32{1, 2, 3}, 1, 3))
	w := ag.Const(tensor.FromSlice([]float32{1, 0, 0, 1, 1, 1}, 2, 3))
	b := ag.Const(tensor.FromSlice([]float32{10, 20}, 2))
	fmt.Println(ag.NewTape(false).Linear(x, w, b).Data())
	// Output: [11 26]
}
