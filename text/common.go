package text

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Common-component removal (Arora, Liang & Ma 2017, "A Simple but
// Tough-to-Beat Baseline for Sentence Embeddings", ICLR): averaged word vectors
// share a large direction (mostly word frequency and syntax) that inflates
// every cosine; subtracting each embedding's projection on the first k
// principal directions of the training sentences' embeddings (taken about the
// origin, as the paper does) leaves what distinguishes sentences. With
// ModelSpec.RemovePC = k the model holds those directions (buffer
// "common.weight", (k, Dim before the anchor)) and applies z - (z Uᵀ) U after
// its body. Train refits them after every epoch, before validation.

// removeCommon applies the removal to z (n, d) on t.
func (m *Model) removeCommon(t *ag.Tape, z *ag.Var) *ag.Var {
	if m.common == nil {
		return z
	}
	u := ag.Const(m.common)
	return t.Sub(z, t.MatMul(t.MatMul(z, u, false, true), u, false, false))
}

// fitCommon sets the common directions to the top principal directions of the
// embeddings of sents (without removal), by power iteration with deflation.
func (m *Model) fitCommon(sents [][]unit) {
	if m.common == nil {
		return
	}
	saved := m.common
	m.common = nil
	training := m.training
	m.SetTraining(false)
	t := ag.NewTape(false)
	var rows []float32
	d := 0
	for lo := 0; lo < len(sents); lo += embedBatch {
		z := m.body.encode(t, m, sents[lo:min(lo+embedBatch, len(sents))])
		d = z.Shape()[1]
		rows = append(rows, z.Value.Data...)
		t.Reset()
	}
	m.SetTraining(training)
	m.common = saved
	k := saved.Shape[0]
	dirs := topDirections(rows, d, k)
	for i := range k {
		for j := range d {
			saved.Data[i*d+j] = float32(dirs[i][j])
		}
	}
}

// topDirections returns the k leading right singular vectors of the (n, d)
// row-major matrix x (unit length; zero when x has fewer directions).
func topDirections(x []float32, d, k int) [][]float64 {
	n := len(x) / max(d, 1)
	out := make([][]float64, k)
	next := make([]float64, d)
	for c := range k {
		u := make([]float64, d)
		for j := range u {
			u[j] = 1 / math.Sqrt(float64(d)) * (1 + float64(j%7)/10) // not orthogonal to anything by accident
		}
		for range 200 {
			clear(next)
			for i := range n {
				row := x[i*d : (i+1)*d]
				var p float64
				for j, v := range row {
					p += float64(v) * u[j]
				}
				for j, v := range row {
					next[j] += p * float64(v)
				}
			}
			// Deflate: stay orthogonal to the directions found so far.
			for _, prev := range out[:c] {
				var p float64
				for j := range next {
					p += next[j] * prev[j]
				}
				for j := range next {
					next[j] -= p * prev[j]
				}
			}
			var nrm float64
			for _, v := range next {
				nrm += v * v
			}
			if nrm == 0 {
				clear(u)
				break
			}
			nrm = math.Sqrt(nrm)
			for j := range u {
				u[j] = next[j] / nrm
			}
		}
		out[c] = u
	}
	return out
}

func newCommon(spec ModelSpec) *tensor.Tensor {
	if spec.RemovePC <= 0 {
		return nil
	}
	return tensor.New(spec.RemovePC, spec.baseDim())
}
