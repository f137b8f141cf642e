package ag

import "math"

// LogSumExp returns log Σ exp(x) along axis (negative counts from the end),
// stably: m + log Σ exp(x - m) with m the group maximum, so large values do
// not overflow. A group of all -Inf gives -Inf; with keepDims the axis stays as
// size 1. The gradient is softmax(x) along the axis.
func (t *Tape) LogSumExp(a *Var, axis int, keepDims bool) *Var {
	shape := a.Shape()
	axis = axisOf("LogSumExp", shape, axis)
	outer, n, inner := splitAxis(shape, axis)
	oshape := make([]int, 0, len(shape))
	for i, d := range shape {
		switch {
		case i != axis:
			oshape = append(oshape, d)
		case keepDims:
			oshape = append(oshape, 1)
		}
	}
	out := t.newVar("LogSumExp", oshape...)
	x, y := valueOf(a), out.Value.Data
	// The result is m + ls, with m the group maximum; the backward pass uses the
	// two parts, so that x - m stays exact for large values.
	ms, lss := t.scratch(len(y)), t.scratch(len(y))
	for o := range outer {
		for j := range inner {
			r := o*inner + j
			ms[r], lss[r] = logSumExpStrided(x, o*n*inner+j, n, inner)
			y[r] = ms[r] + lss[r]
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for o := range outer {
			for j := range inner {
				r := o*inner + j
				m, ls, gr := ms[r], lss[r], g[r]
				for i := range n {
					k := o*n*inner + i*inner + j
					dx[k] += gr * exp32((x[k]-m)-ls)
				}
			}
		}
	}, a)
	return out
}

// logSumExpStrided returns the maximum m of x[base + i*stride], i < n, and
// log Σ exp(x - m); for an infinite m the second part is 0.
func logSumExpStrided(x []float32, base, n, stride int) (m, ls float32) {
	m = float32(math.Inf(-1))
	for i := range n {
		if v := x[base+i*stride]; v > m {
			m = v
		}
	}
	if math.IsInf(float64(m), 0) {
		return m, 0
	}
	var s float64
	for i := range n {
		s += float64(exp32(x[base+i*stride] - m))
	}
	return m, float32(math.Log(s))
}
