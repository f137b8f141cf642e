package ag

import (
	"slices"

	"github.com/contrast-ml/contrast/tensor"
)

// Add returns a + b with NumPy broadcasting.
func (t *Tape) Add(a, b *Var) *Var {
	return t.binary("Add", a, b, func(x, y float32) float32 { return x + y },
		func(g, _, _ float32) float32 { return g },
		func(g, _, _ float32) float32 { return g })
}

// Sub returns a - b with broadcasting.
func (t *Tape) Sub(a, b *Var) *Var {
	return t.binary("Sub", a, b, func(x, y float32) float32 { return x - y },
		func(g, _, _ float32) float32 { return g },
		func(g, _, _ float32) float32 { return -g })
}

// Mul returns a * b element-wise with broadcasting.
func (t *Tape) Mul(a, b *Var) *Var {
	return t.binary("Mul", a, b, func(x, y float32) float32 { return x * y },
		func(g, _, y float32) float32 { return g * y },
		func(g, x, _ float32) float32 { return g * x })
}

// Div returns a / b element-wise with broadcasting.
func (t *Tape) Div(a, b *Var) *Var {
	return t.binary("Div", a, b, func(x, y float32) float32 { return x / y },
		func(g, _, y float32) float32 { return g / y },
		func(g, x, y float32) float32 { return -g * x / (y * y) })
}

// binary is the shared mechanism of the broadcasting element-wise ops: f is the
// forward, da and db give each input's gradient contribution from the upstream
// gradient g and the two (broadcast) operand values.
func (t *Tape) binary(op string, a, b *Var, f func(x, y float32) float32, da, db func(g, x, y float32) float32) *Var {
	shape := tensor.MustBroadcastShape(op, a.Shape(), b.Shape())
	out := t.newVar(op, shape...)
	tensor.Binary(out.Value, a.Value, b.Value, f)
	t.record(out, func(g []float32) {
		same := slices.Equal(a.Shape(), b.Shape())
		for _, side := range [2]struct {
			v    *Var
			grad func(g, x, y float32) float32
		}{{a, da}, {b, db}} {
			if !side.v.needsGrad {
				continue
			}
			dst := t.gradOf(side.v)
			if same {
				x, y := a.Value.Data, b.Value.Data
				for i, gi := range g {
					dst[i] += side.grad(gi, x[i], y[i])
				}
				continue
			}
			// Broadcast both operands to the output shape, then sum back to the input's shape.
			full := t.empty(shape)
			xa, xb := a.Value.Expand(shape...), b.Value.Expand(shape...)
			va, vb := t.scratch(len(g)), t.scratch(len(g))
			xa.CopyTo(va)
			xb.CopyTo(vb)
			for i, gi := range g {
				full.Data[i] = side.grad(gi, va[i], vb[i])
			}
			red := tensor.SumTo(full, side.v.Shape())
			for i, v := range red.Data[red.Offset : red.Offset+len(dst)] {
				dst[i] += v
			}
		}
	}, a, b)
	return out
}

// Scale returns s * a for a constant s.
func (t *Tape) Scale(a *Var, s float32) *Var {
	out := t.newVar("Scale", a.Shape()...)
	o, x := out.Value.Data, a.Value.Data
	for i := range o {
		o[i] = s * x[i]
	}
	t.record(out, func(g []float32) {
		dst := t.gradOf(a)
		for i := range dst {
			dst[i] += s * g[i]
		}
	}, a)
	return out
}

// AddScalar returns a + s for a constant s.
func (t *Tape) AddScalar(a *Var, s float32) *Var {
	out := t.newVar("AddScalar", a.Shape()...)
	o, x := out.Value.Data, a.Value.Data
	for i := range o {
		o[i] = x[i] + s
	}
	t.record(out, func(g []float32) {
		dst := t.gradOf(a)
		for i := range dst {
			dst[i] += g[i]
		}
	}, a)
	return out
}
