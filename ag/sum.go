package ag

import (
	"github.com/contrast-ml/contrast/tensor"
)

// Sum returns the sum of a over the given axes (all axes when none), with the
// reduced axes kept as size 1 when keepDims is set.
func (t *Tape) Sum(a *Var, keepDims bool, axes ...int) *Var {
	return t.sumMean("Sum", a, false, keepDims, axes)
}

// Mean returns the mean of a over the given axes (all axes when none).
func (t *Tape) Mean(a *Var, keepDims bool, axes ...int) *Var {
	return t.sumMean("Mean", a, true, keepDims, axes)
}

func (t *Tape) sumMean(op string, a *Var, mean, keepDims bool, axes []int) *Var {
	red := tensor.ReducedAxes(a.Value.Dims(), axes)
	kshape := make([]int, 0, len(a.Shape()))
	var shape []int
	count := 1
	for i, d := range a.Shape() {
		if red[i] {
			count *= d
			kshape = append(kshape, 1)
			if keepDims {
				shape = append(shape, 1)
			}
		} else {
			kshape = append(kshape, d)
			shape = append(shape, d)
		}
	}
	r := tensor.Reduce(a.Value, tensor.ReduceSum, true, axes...)
	out := t.newVar(op, shape...)
	copy(out.Value.Data, r.Data)
	scale := float32(1)
	if mean && count > 0 {
		scale = 1 / float32(count)
		for i := range out.Value.Data {
			out.Value.Data[i] *= scale
		}
	}
	t.record(out, func(g []float32) {
		// Broadcast g (kept-dims shape) back over a's shape.
		gk := &tensor.Tensor{Data: g, Shape: kshape, Strides: tensor.ContiguousStrides(kshape)}
		full := t.empty(a.Shape())
		gk.Expand(a.Shape()...).CopyTo(full.Data)
		dst := t.gradOf(a)
		for i, v := range full.Data {
			dst[i] += scale * v
		}
	}, a)
	return out
}
