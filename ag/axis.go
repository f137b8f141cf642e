package ag

import (
	"fmt"
	"slices"

	"github.com/contrast-ml/contrast/tensor"
)

// axisOf returns axis as a non-negative index into shape (negative axes count
// from the end), panicking with "ag: op: ..." when it is out of range.
func axisOf(op string, shape []int, axis int) int {
	a := axis
	if a < 0 {
		a += len(shape)
	}
	if a < 0 || a >= len(shape) {
		panic(fmt.Sprintf("ag: %s: axis %d out of range for shape %v", op, axis, shape))
	}
	return a
}

// splitAxis views a row-major shape as (outer, n, inner) around axis: element
// (o, i, j) sits at (o*n+i)*inner+j.
func splitAxis(shape []int, axis int) (outer, n, inner int) {
	outer, inner = 1, 1
	for _, d := range shape[:axis] {
		outer *= d
	}
	for _, d := range shape[axis+1:] {
		inner *= d
	}
	return outer, shape[axis], inner
}

// valueOf returns v's elements as a flat row-major slice of exactly Numel values.
func valueOf(v *Var) []float32 { return v.Value.Raw() }

// reducedShapes returns the mask of reduced axes, the kept-dims shape and the
// output shape of a reduction of shape over axes (all axes when none).
func reducedShapes(op string, shape []int, axes []int, keepDims bool) (red []bool, kshape, oshape []int) {
	red = make([]bool, len(shape))
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
	}
	for _, a := range axes {
		red[axisOf(op, shape, a)] = true
	}
	kshape = slices.Clone(shape)
	oshape = make([]int, 0, len(shape))
	for i, d := range shape {
		if red[i] {
			kshape[i] = 1
			if keepDims {
				oshape = append(oshape, 1)
			}
		} else {
			oshape = append(oshape, d)
		}
	}
	return red, kshape, oshape
}

// contiguousView wraps a flat row-major buffer as a tensor of shape, sharing it.
func contiguousView(data []float32, shape []int) *tensor.Tensor {
	return &tensor.Tensor{Data: data, Shape: shape, Strides: tensor.ContiguousStrides(shape)}
}
