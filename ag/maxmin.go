package ag

import "fmt"

// Max returns the maximum of a over the given axes (all axes when none), with
// the reduced axes kept as size 1 when keepDims is set. The gradient goes to
// the first maximal element of each reduced group (in row-major order), as
// PyTorch's max along a dimension does; NaN counts as the maximum.
func (t *Tape) Max(a *Var, keepDims bool, axes ...int) *Var {
	return t.extreme("Max", a, true, keepDims, axes)
}

// Min is Max for the minimum.
func (t *Tape) Min(a *Var, keepDims bool, axes ...int) *Var {
	return t.extreme("Min", a, false, keepDims, axes)
}

func (t *Tape) extreme(op string, a *Var, isMax, keepDims bool, axes []int) *Var {
	shape := a.Shape()
	red, kshape, oshape := reducedShapes(op, shape, axes, keepDims)
	for i, r := range red {
		if r && shape[i] == 0 {
			panic(fmt.Sprintf("ag: %s: reducing empty axis %d of shape %v", op, i, shape))
		}
	}
	out := t.newVar(op, oshape...)
	best, x := out.Value.Data, valueOf(a)
	// arg[o] is the flat input index of output o's extreme element.
	arg := make([]int, len(best))
	single, axis := singleAxis(red)
	switch {
	case len(best) == 0:
	case single:
		outer, n, inner := splitAxis(shape, axis)
		for o := range outer {
			for j := range inner {
				base := o*n*inner + j
				bi, bv := base, x[base]
				for i := 1; i < n; i++ {
					k := base + i*inner
					if better(x[k], bv, isMax) {
						bi, bv = k, x[k]
					}
				}
				best[o*inner+j], arg[o*inner+j] = bv, bi
			}
		}
	default:
		extremeWalk(x, shape, kshape, red, best, arg, isMax)
	}
	t.record(out, func(g []float32) {
		dst := t.gradOf(a)
		for o, k := range arg {
			dst[k] += g[o]
		}
	}, a)
	return out
}

// better reports whether v replaces the current extreme b: strictly larger
// (smaller) values win, so ties keep the first; a NaN wins over a number.
func better(v, b float32, isMax bool) bool {
	if v != v {
		return b == b
	}
	if isMax {
		return v > b
	}
	return v < b
}

// singleAxis reports whether exactly one axis is reduced, and which.
func singleAxis(red []bool) (bool, int) {
	axis := -1
	for i, r := range red {
		if r {
			if axis >= 0 {
				return false, 0
			}
			axis = i
		}
	}
	return axis >= 0, axis
}

// extremeWalk reduces x (row-major, shape) over the axes marked in red by
// walking it once in order with an odometer, tracking each output slot's
// extreme value and its flat input index.
func extremeWalk(x []float32, shape, kshape []int, red []bool, best []float32, arg []int, isMax bool) {
	for i := range arg {
		arg[i] = -1
	}
	ostr := make([]int, len(kshape))
	s := 1
	for i := len(kshape) - 1; i >= 0; i-- {
		ostr[i] = s
		s *= kshape[i]
	}
	nd := len(shape)
	idx := make([]int, nd)
	oi := 0
	for k, v := range x {
		if arg[oi] < 0 || better(v, best[oi], isMax) {
			best[oi], arg[oi] = v, k
		}
		for d := nd - 1; d >= 0; d-- {
			idx[d]++
			if !red[d] {
				oi += ostr[d]
			}
			if idx[d] < shape[d] {
				break
			}
			if !red[d] {
				oi -= idx[d] * ostr[d]
			}
			idx[d] = 0
		}
	}
}
