package ag_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// A classifier head's loss and its gradient: the fused cross-entropy backward is
// (softmax - onehot)/n. Row 0: -log(e²/(e²+2)) = 0.2396; row 1: log 3 = 1.0986.
func ExampleTape_CrossEntropy() {
	logits := ag.Param("logits", tensor.FromSlice([]float32{2, 0, 0, 0, 0, 0}, 2, 3))
	tp := ag.NewTape(true)
	loss := tp.CrossEntropy(logits, []int{0, 2}, 0)
	tp.Backward(loss)
	fmt.Printf("loss %.4f\n", loss.Item())
	fmt.Printf("grad %.4f\n", logits.Grad.Data)
	// Output:
	// loss 0.6691
	// grad [-0.1065 0.0533 0.0533 0.1667 0.1667 -0.3333]
}

// SimSiam's symmetric loss needs a stop-gradient on the target branch and the
// cosine similarity of paired rows.
func ExampleTape_Detach() {
	p := ag.Param("p", tensor.FromSlice([]float32{1, 0, 0, 2}, 2, 2))
	z := ag.Param("z", tensor.FromSlice([]float32{1, 1, 0, 3}, 2, 2))
	tp := ag.NewTape(true)
	cos := tp.Dot(tp.L2Normalize(p, 1e-12), tp.L2Normalize(tp.Detach(z), 1e-12))
	loss := tp.Scale(tp.Mean(cos, false), -1)
	tp.Backward(loss)
	fmt.Printf("loss %.4f, z gets a gradient: %v\n", loss.Item(), z.Grad.Data[0] != 0)
	// Output:
	// loss -0.8536, z gets a gradient: false
}

// Softmax along the last axis of a similarity matrix with its diagonal masked.
func ExampleTape_MaskedFill() {
	sim := ag.Const(tensor.FromSlice([]float32{1, 0.5, 0.5, 1}, 2, 2))
	tp := ag.NewTape(false)
	masked := tp.MaskedFill(sim, []bool{true, false, false, true}, float32(-1e9))
	fmt.Println(tp.Softmax(masked, -1).Value.Data)
	// Output:
	// [0 1 1 0]
}
