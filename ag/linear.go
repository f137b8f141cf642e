package ag

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Linear returns x W^T + b for x (n, in), weights w (out, in) in PyTorch's layout
// and optional bias b (out): (n, out). The output rows start as copies of the
// bias and one sgemm with transposed B accumulates the product into them, so the
// bias costs no pass of its own. Backward: dx += g W, dW += g^T x, db += column
// sums of g.
func (t *Tape) Linear(x, w, b *Var) *Var {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 2 || len(ws) != 2 || xs[1] != ws[1] {
		panic(fmt.Sprintf("ag: Linear: x %v (want (n, in)) and w %v (want (out, in)) do not match", xs, ws))
	}
	if b != nil && (b.Value.Dims() != 1 || b.Shape()[0] != ws[0]) {
		panic(fmt.Sprintf("ag: Linear: bias %v for weights %v", b.Shape(), ws))
	}
	n, in, no := xs[0], xs[1], ws[0]
	out := t.newVar("Linear", n, no)
	y := out.Value.Data
	beta := float32(0)
	if b != nil {
		bd := b.Value.Data
		for i := 0; i < n; i++ {
			copy(y[i*no:(i+1)*no], bd)
		}
		beta = 1
	}
	kernels.Sgemm(false, true, n, no, in, 1, x.Value.Data, in, w.Value.Data, in, beta, y, no)
	t.record(out, func(g []float32) {
		if x.needsGrad {
			kernels.Sgemm(false, false, n, in, no, 1, g, no, w.Value.Data, in, 1, t.gradOf(x), in)
		}
		if w.needsGrad {
			kernels.Sgemm(true, false, no, in, n, 1, g, no, x.Value.Data, in, 1, t.gradOf(w), in)
		}
		if b != nil && b.needsGrad {
			db := t.gradOf(b)
			for i := 0; i < n; i++ {
				for j, v := range g[i*no : (i+1)*no] {
					db[j] += v
				}
			}
		}
	}, present(x, w, b)...)
	return out
}
