package tensor

import (
	"fmt"
	"math"
	"slices"
)

// ReduceOp selects a reduction.
type ReduceOp int

// The reductions along axes.
const (
	ReduceSum ReduceOp = iota
	ReduceMean
	ReduceMax
	ReduceMin
)

func (r ReduceOp) String() string {
	switch r {
	case ReduceSum:
		return "sum"
	case ReduceMean:
		return "mean"
	case ReduceMax:
		return "max"
	case ReduceMin:
		return "min"
	}
	return fmt.Sprintf("ReduceOp(%d)", int(r))
}

// Reduce applies op along the given axes (all axes when none are given). With
// keepDims the reduced axes stay with size 1, so the result broadcasts against t.
func Reduce(t *Tensor, op ReduceOp, keepDims bool, axes ...int) *Tensor {
	red := ReducedAxes(len(t.Shape), axes)
	kshape := slices.Clone(t.Shape)
	count := 1
	for i, r := range red {
		if r {
			count *= kshape[i]
			kshape[i] = 1
		}
	}
	out := New(kshape...)
	init := float32(0)
	switch op {
	case ReduceMax:
		init = float32(math.Inf(-1))
	case ReduceMin:
		init = float32(math.Inf(1))
	}
	out.Fill(init)
	// Walk t in row-major order, mapping each element to its output slot.
	ostr := ContiguousStrides(kshape)
	nd := len(t.Shape)
	idx := make([]int, nd)
	o := out.Data
	src := t.Contiguous().Raw()
	oi := 0
	for _, v := range src {
		switch op {
		case ReduceSum, ReduceMean:
			o[oi] += v
		case ReduceMax:
			if v > o[oi] || v != v {
				o[oi] = v
			}
		case ReduceMin:
			if v < o[oi] || v != v {
				o[oi] = v
			}
		}
		for k := nd - 1; k >= 0; k-- {
			idx[k]++
			if !red[k] {
				oi += ostr[k]
			}
			if idx[k] < t.Shape[k] {
				break
			}
			if !red[k] {
				oi -= idx[k] * ostr[k]
			}
			idx[k] = 0
		}
	}
	if op == ReduceMean && count > 0 {
		out.Scale(1 / float32(count))
	}
	if keepDims {
		return out
	}
	var shape []int
	for i, d := range kshape {
		if !red[i] {
			shape = append(shape, d)
		}
	}
	return out.Reshape(shape...)
}

// ReducedAxes returns a mask of the axes to reduce for a tensor of nd dimensions;
// no axes means all. Negative axes count from the end.
func ReducedAxes(nd int, axes []int) []bool {
	red := make([]bool, nd)
	if len(axes) == 0 {
		for i := range red {
			red[i] = true
		}
		return red
	}
	for _, a := range axes {
		if a < 0 {
			a += nd
		}
		if a < 0 || a >= nd {
			panic(fmt.Sprintf("tensor: reduce axis %v out of range for %d dims", axes, nd))
		}
		red[a] = true
	}
	return red
}

// SumTo sums t over the axes that broadcasting added or expanded, giving a
// tensor of the given shape. It is the adjoint of broadcasting a shape up to t's.
func SumTo(t *Tensor, shape []int) *Tensor {
	if slices.Equal(t.Shape, shape) {
		return t
	}
	lead := len(t.Shape) - len(shape)
	if lead < 0 {
		panic(fmt.Sprintf("tensor: SumTo %v from %v", shape, t.Shape))
	}
	var axes []int
	for i := range t.Shape {
		if i < lead || (shape[i-lead] == 1 && t.Shape[i] != 1) {
			axes = append(axes, i)
		} else if shape[i-lead] != t.Shape[i] {
			panic(fmt.Sprintf("tensor: SumTo %v from %v", shape, t.Shape))
		}
	}
	if len(axes) == 0 {
		return t.Contiguous().Reshape(shape...)
	}
	return Reduce(t, ReduceSum, true, axes...).Reshape(shape...)
}
