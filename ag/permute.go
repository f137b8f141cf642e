package ag

import (
	"fmt"

	"github.com/contrast-ml/contrast/tensor"
)

// Permute reorders the axes of a: axis i of the result is axis perm[i] of a
// (negative entries count from the end). The result is materialised as a new
// contiguous value, so later ops read it row-major; the gradient is permuted back.
func (t *Tape) Permute(a *Var, perm ...int) *Var {
	return t.permute("Permute", a, perm)
}

// Transpose swaps axes i and j of a (negative counts from the end), materialised.
func (t *Tape) Transpose(a *Var, i, j int) *Var {
	shape := a.Shape()
	i, j = axisOf("Transpose", shape, i), axisOf("Transpose", shape, j)
	perm := make([]int, len(shape))
	for k := range perm {
		perm[k] = k
	}
	perm[i], perm[j] = j, i
	return t.permute("Transpose", a, perm)
}

func (t *Tape) permute(op string, a *Var, perm []int) *Var {
	shape := a.Shape()
	nd := len(shape)
	if len(perm) != nd {
		panic(fmt.Sprintf("ag: %s: permutation %v for shape %v", op, perm, shape))
	}
	seen := make([]bool, nd)
	oshape, ostr := make([]int, nd), make([]int, nd)
	istr := tensor.ContiguousStrides(shape)
	for i, p := range perm {
		if p < 0 {
			p += nd
		}
		if p < 0 || p >= nd || seen[p] {
			panic(fmt.Sprintf("ag: %s: %v is not a permutation of the axes of shape %v", op, perm, shape))
		}
		seen[p] = true
		oshape[i], ostr[i] = shape[p], istr[p]
	}
	out := t.newVar(op, oshape...)
	x := valueOf(a)
	// ostr are a's strides seen in output order: walking them gathers the output.
	stridedWalk(oshape, ostr, func(o, k, n, s int) {
		d := out.Value.Data[o : o+n]
		for i := range d {
			d[i] = x[k+i*s]
		}
	})
	t.record(out, func(g []float32) {
		// The adjoint is the inverse permutation, also done as a gather (writes
		// in order, reads strided), which is much faster than a strided scatter.
		gstr, gs := tensor.ContiguousStrides(oshape), make([]int, nd)
		for i, p := range perm {
			if p < 0 {
				p += nd
			}
			gs[p] = gstr[i]
		}
		dx := t.gradOf(a)
		stridedWalk(shape, gs, func(o, k, n, s int) {
			d := dx[o : o+n]
			for i := range d {
				d[i] += g[k+i*s]
			}
		})
	}, a)
	return out
}

// stridedWalk visits a row-major walk of shape in runs along the last axis:
// fn(o, k, n, s) covers the n output positions o.. o+n-1, which map to the
// strided positions k, k+s, ..., k+(n-1)s. It calls fn once per run, not per element.
func stridedWalk(shape, strides []int, fn func(o, k, n, s int)) {
	nd := len(shape)
	total := 1
	for _, d := range shape {
		total *= d
	}
	if total == 0 {
		return
	}
	if nd == 0 {
		fn(0, 0, 1, 1)
		return
	}
	n, s := shape[nd-1], strides[nd-1]
	idx := make([]int, nd)
	k := 0
	for o := 0; o < total; o += n {
		fn(o, k, n, s)
		for d := nd - 2; d >= 0; d-- {
			idx[d]++
			k += strides[d]
			if idx[d] < shape[d] {
				break
			}
			k -= idx[d] * strides[d]
			idx[d] = 0
		}
	}
}
