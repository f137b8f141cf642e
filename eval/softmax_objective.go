package eval

import (
	"math"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// softmaxBlock is the number of rows per unit of parallel work in the probe
// objective. It is fixed (not tied to GOMAXPROCS) so that the partial sums,
// reduced in block order, give bit-identical results on any machine size. It is
// also below twice the smallest sgemm depth block (kc = 256), so the gradient
// products of a block are never split along their inner dimension, a split
// whose chunk count depends on the number of cores.
const softmaxBlock = 500

// softmaxObjective evaluates the regularised multinomial logistic loss and
// its gradient over parameters θ = [W (d, c) row-major ; b (c)].
type softmaxObjective struct {
	x        []float32 // standardised features, (n, d)
	n, d, c  int
	y        []int // dense class ids, (n,)
	l2       float64
	w32      []float32   // (d, c) float32 copy of W for Sgemm
	partialG [][]float32 // per block: (d, c) weight gradient then (c) bias gradient
	partialF []float64   // per block: summed cross-entropy
}

func newSoftmaxObjective(x []float32, n, d int, y []int, c int, l2 float64) *softmaxObjective {
	nb := (n + softmaxBlock - 1) / softmaxBlock
	o := &softmaxObjective{x: x, n: n, d: d, c: c, y: y, l2: l2,
		w32: make([]float32, d*c), partialG: make([][]float32, nb), partialF: make([]float64, nb)}
	for b := range o.partialG {
		o.partialG[b] = make([]float32, d*c+c)
	}
	return o
}

func (o *softmaxObjective) unpack(theta []float64) (Matrix, []float32) {
	w := Matrix{Rows: o.d, Cols: o.c, Data: make([]float32, o.d*o.c)}
	for i := range w.Data {
		w.Data[i] = float32(theta[i])
	}
	b := make([]float32, o.c)
	for k := range b {
		b[k] = float32(theta[o.d*o.c+k])
	}
	return w, b
}

// eval writes ∇f(θ) into grad and returns f(θ).
func (o *softmaxObjective) eval(theta, grad []float64) float64 {
	d, c := o.d, o.c
	for i := range o.w32 {
		o.w32[i] = float32(theta[i])
	}
	bias := theta[d*c:]
	inv := float32(1 / float64(o.n))
	nb := len(o.partialG)
	kernels.Parallel(nb, 1, func(lo, hi int) {
		z := make([]float32, softmaxBlock*c)
		for blk := lo; blk < hi; blk++ {
			r0, r1 := blk*softmaxBlock, min((blk+1)*softmaxBlock, o.n)
			m := r1 - r0
			xb := o.x[r0*d : r1*d]
			kernels.Sgemm(false, false, m, c, d, 1, xb, d, o.w32, c, 0, z, c)
			var loss float64
			gb := o.partialG[blk][d*c:]
			clear(gb)
			for i := 0; i < m; i++ {
				row := z[i*c : (i+1)*c]
				mx := math.Inf(-1)
				for k := range row {
					row[k] += float32(bias[k])
					mx = math.Max(mx, float64(row[k]))
				}
				yi := o.y[r0+i]
				zy := float64(row[yi])
				var sum float64
				for k, v := range row {
					e := math.Exp(float64(v) - mx)
					row[k] = float32(e)
					sum += e
				}
				loss += math.Log(sum) + mx - zy // -log softmax(z)[y]
				// Residual (p - onehot(y)) / n, in place.
				s := float32(1 / sum)
				for k := range row {
					row[k] *= s * inv
				}
				row[yi] -= inv
				for k, v := range row {
					gb[k] += v
				}
			}
			// Weight gradient of this block: x_bᵀ R, (d, c).
			kernels.Sgemm(true, false, d, c, m, 1, xb, d, z, c, 0, o.partialG[blk][:d*c], c)
			o.partialF[blk] = loss
		}
	})
	var f float64
	clear(grad)
	for blk := 0; blk < nb; blk++ {
		f += o.partialF[blk]
		for i, v := range o.partialG[blk] {
			grad[i] += float64(v)
		}
	}
	f /= float64(o.n)
	var wsq float64
	for i := 0; i < d*c; i++ {
		wsq += theta[i] * theta[i]
		grad[i] += o.l2 * theta[i]
	}
	return f + o.l2/2*wsq
}
