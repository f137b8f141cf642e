package train

import (
	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// embedBatch is how many images one inference pass takes.
const embedBatch = 1024

// Embed runs the images through m in evaluation mode, without gradients, and
// returns the (N, dim) outputs. m's training mode is restored afterwards.
func Embed(m nn.Module, im *data.Images, training bool) eval.Matrix {
	m.SetTraining(false)
	defer m.SetTraining(training)
	t := ag.NewTape(false)
	L := im.Dim()
	var out []float32
	dim := 0
	x := make([]float32, embedBatch*L)
	for lo := 0; lo < im.N; lo += embedBatch {
		hi := min(im.N, lo+embedBatch)
		for i := lo; i < hi; i++ {
			im.Example(i, x[(i-lo)*L:(i-lo+1)*L])
		}
		t.Reset()
		in := ag.Const(tensor.FromSlice(x[:(hi-lo)*L], hi-lo, im.C, im.H, im.W))
		z := m.Forward(t, in).Value
		if out == nil {
			dim = z.Numel() / (hi - lo)
			out = make([]float32, 0, im.N*dim)
		}
		out = append(out, z.Data[:(hi-lo)*dim]...)
	}
	return eval.Matrix{Rows: im.N, Cols: dim, Data: out}
}
