package text

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
)

// rowAdam is Adam (Kingma & Ba 2014, arXiv 1412.6980) applied lazily to the
// rows of a (rows, dim) table that the step's batch used, as
// torch.optim.SparseAdam and TensorFlow's LazyAdam do: rows outside the batch
// keep their value and their moments, and the bias corrections use the global
// step. A dense Adam over a 20,000-word table spends nearly all of a
// bag-of-words training step updating rows whose gradient is zero; this
// touches about a thousand rows per batch instead.
type rowAdam struct {
	p       *ag.Var
	dim     int
	m, v    []float32
	step    int
	lr      float64
	b1, b2  float64
	eps     float64
	touched []int
	mark    []bool
	// decay pulls used rows toward init: w -= lr·decay·(w - init).
	decay float64
	init  []float32
}

func newRowAdam(p *ag.Var, lr float64) (*rowAdam, error) {
	if p.Value.Dims() != 2 || p.Grad == nil {
		return nil, fmt.Errorf("text: row Adam needs a (rows, dim) parameter, got %v", p.Shape())
	}
	n := p.Value.Numel()
	return &rowAdam{p: p, dim: p.Shape()[1], m: make([]float32, n), v: make([]float32, n),
		lr: lr, b1: 0.9, b2: 0.999, eps: 1e-8, mark: make([]bool, p.Shape()[0])}, nil
}

// touch marks a row as used by the current batch.
func (o *rowAdam) touch(row int) {
	if !o.mark[row] {
		o.mark[row] = true
		o.touched = append(o.touched, row)
	}
}

// Step updates the touched rows from their gradients, zeroes those gradients
// and forgets the marks.
func (o *rowAdam) Step() {
	o.step++
	t := float64(o.step)
	bc1 := 1 - math.Pow(o.b1, t)
	bc2 := math.Sqrt(1 - math.Pow(o.b2, t))
	b1, b2 := float32(o.b1), float32(o.b2)
	c1, c2 := float32(1-o.b1), float32(1-o.b2)
	step := float32(o.lr / bc1)
	inv2, eps := float32(1/bc2), float32(o.eps)
	dec := float32(o.lr * o.decay)
	w, g := o.p.Value.Data, o.p.Grad.Data
	for _, r := range o.touched {
		lo, hi := r*o.dim, (r+1)*o.dim
		ws, gs, ms, vs := w[lo:hi], g[lo:hi], o.m[lo:hi], o.v[lo:hi]
		for j, gj := range gs {
			m := b1*ms[j] + c1*gj
			v := b2*vs[j] + c2*gj*gj
			ms[j], vs[j] = m, v
			ws[j] -= step * m / (float32(math.Sqrt(float64(v)))*inv2 + eps)
			gs[j] = 0
		}
		if o.init != nil && dec != 0 {
			for j, w0 := range o.init[lo:hi] {
				ws[j] -= dec * (ws[j] - w0)
			}
		}
		o.mark[r] = false
	}
	o.touched = o.touched[:0]
}
