package distance

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/kernels"
)

// SquaredEuclidean is ||a - b||^2.
type SquaredEuclidean struct{}

func (SquaredEuclidean) String() string   { return "squared-euclidean" }
func (SquaredEuclidean) Similarity() bool { return false }

// Matrix returns ||a_i||^2 + ||b_j||^2 - 2 a_i.b_j, clamped at 0, computed with one
// sgemm; the backward is d/da_i = 2 sum_j g_ij (a_i - b_j), and likewise for b.
func (SquaredEuclidean) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var {
	return sqMatrix(t, a, b, false)
}

// Pairs returns ||a_i - b_i||^2.
func (SquaredEuclidean) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqPairs(t, a, b, false) }

// Euclidean is ||a - b||, with the square root taken of max(||a-b||^2, 1e-12) so
// that the gradient stays finite at zero distance (as the PyTorch references do).
type Euclidean struct{}

func (Euclidean) String() string   { return "euclidean" }
func (Euclidean) Similarity() bool { return false }

// Matrix returns the Euclidean distance table.
func (Euclidean) Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqMatrix(t, a, b, true) }

// Pairs returns ||a_i - b_i||.
func (Euclidean) Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var { return sqPairs(t, a, b, true) }

const sqrtFloor = 1e-12

func sqMatrix(t *ag.Tape, a, b *ag.Var, root bool) *ag.Var {
	n, m, d := checkRows("Euclidean", a, b, false)
	name := "SquaredEuclidean"
	if root {
		name = "Euclidean"
	}
	out := t.NewOutput(name, n, m)
	o, x, y := out.Value.Data, a.Value.Data, b.Value.Data
	kernels.Sgemm(false, true, n, m, d, -2, x, d, y, d, 0, o, m)
	na, nb := rowNorms2(t, x, n, d), rowNorms2(t, y, m, d)
	for i := range n {
		for j := range m {
			v := max(o[i*m+j]+na[i]+nb[j], 0)
			if root {
				v = float32(math.Sqrt(float64(max(v, sqrtFloor))))
			}
			o[i*m+j] = v
		}
	}
	t.Record(out, func(g []float32) {
		// h_ij = dL/d(squared distance), zero where the clamp at 0 was
		// active; rs and cs are its row and column sums.
		h, rs, cs := t.Scratch(n*m), t.Scratch(n), t.Scratch(m)
		clear(cs)
		// Losses that pick a few entries of the table (batch-hard mining:
		// two per row) leave h sparse; its nonzeros, when few, are listed
		// in nz and multiplied one by one instead of by Sgemm.
		var nzBuf [sparseMax]int32
		nz, sparse := nzBuf[:0], n*m <= math.MaxInt32
		for i := range n {
			hr, gr, or := h[i*m:(i+1)*m], g[i*m:(i+1)*m], o[i*m:(i+1)*m]
			var s float32
			for j, gi := range gr {
				var v float32
				if gi != 0 {
					switch ov := or[j]; {
					case root && ov*ov > sqrtFloor:
						v = gi / (2 * ov)
					case !root && ov > 0:
						v = gi
					}
					if sparse = sparse && len(nz) < cap(nz); sparse {
						nz = append(nz, int32(i*m+j))
					}
				}
				hr[j] = v
				s += v
				cs[j] += v
			}
			rs[i] = s
		}
		sparse = sparse && len(nz)*sparseRatio < n*m
		if ga := t.GradOf(a); ga != nil {
			// ga_i += 2 (rs_i a_i - (h b)_i)
			if sparse {
				sparseAcc(h, nz, m, d, y, ga, false)
			} else {
				kernels.Sgemm(false, false, n, d, m, -2, h, m, y, d, 1, ga, d)
			}
			for i := range n {
				for k := range d {
					ga[i*d+k] += 2 * rs[i] * x[i*d+k]
				}
			}
		}
		if gb := t.GradOf(b); gb != nil {
			// gb_j += 2 (cs_j b_j - (h^T a)_j)
			if sparse {
				sparseAcc(h, nz, m, d, x, gb, true)
			} else {
				kernels.Sgemm(true, false, m, d, n, -2, h, m, x, d, 1, gb, d)
			}
			for j := range m {
				for k := range d {
					gb[j*d+k] += 2 * cs[j] * y[j*d+k]
				}
			}
		}
	}, a, b)
	return out
}

// Sparse backward of the distance table: h with at most sparseMax
// nonzeros, and fewer than one in sparseRatio entries, is multiplied entry by
// entry instead of by Sgemm.
const (
	sparseMax   = 2048
	sparseRatio = 16
)

// sparseAcc adds -2 h v to dst over the entries nz (flat indices i*m + j) of
// h (n, m): dst_i += -2 h_ij v_j for dst (n, d) and v (m, d), or with
// transposed, dst_j += -2 h_ij v_i for dst (m, d) and v (n, d).
func sparseAcc(h []float32, nz []int32, m, d int, v, dst []float32, transposed bool) {
	for _, p := range nz {
		i, j := int(p)/m, int(p)%m
		if transposed {
			i, j = j, i
		}
		c, vr, dr := -2*h[p], v[j*d:(j+1)*d], dst[i*d:(i+1)*d]
		for k := range dr {
			dr[k] += c * vr[k]
		}
	}
}

func rowNorms2(t *ag.Tape, x []float32, n, d int) []float32 {
	r := t.Scratch(n)
	for i := range n {
		var s float32
		for _, v := range x[i*d : (i+1)*d] {
			s += v * v
		}
		r[i] = s
	}
	return r
}

func sqPairs(t *ag.Tape, a, b *ag.Var, root bool) *ag.Var {
	n, _, d := checkRows("Euclidean.Pairs", a, b, true)
	out := t.NewOutput("EuclideanPairs", n)
	o, x, y := out.Value.Data, a.Value.Data, b.Value.Data
	for i := range n {
		var s float32
		for k := range d {
			e := x[i*d+k] - y[i*d+k]
			s += e * e
		}
		if root {
			s = float32(math.Sqrt(float64(max(s, sqrtFloor))))
		}
		o[i] = s
	}
	t.Record(out, func(g []float32) {
		ga, gb := t.GradOf(a), t.GradOf(b)
		for i := range n {
			h := 2 * g[i]
			if root {
				if o[i]*o[i] <= sqrtFloor {
					continue
				}
				h = g[i] / o[i]
			}
			for k := range d {
				e := h * (x[i*d+k] - y[i*d+k])
				if ga != nil {
					ga[i*d+k] += e
				}
				if gb != nil {
					gb[i*d+k] -= e
				}
			}
		}
	}, a, b)
	return out
}
