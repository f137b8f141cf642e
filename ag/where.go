package ag

import (
	"fmt"
	"slices"

	"github.com/contrast-ml/contrast/tensor"
)

// MaskedFill returns a with the elements where mask is true replaced by value;
// mask holds one flag per element of a in row-major order. The gradient passes
// only where mask is false. A typical use masks the diagonal of a similarity
// matrix with -Inf before a softmax. mask must stay unchanged until Backward.
func (t *Tape) MaskedFill(a *Var, mask []bool, value float32) *Var {
	if len(mask) != a.Value.Numel() {
		panic(fmt.Sprintf("ag: MaskedFill: mask of %d flags for shape %v", len(mask), a.Shape()))
	}
	out := t.newVar("MaskedFill", a.Shape()...)
	x, o := valueOf(a), out.Value.Data
	for i, m := range mask {
		if m {
			o[i] = value
		} else {
			o[i] = x[i]
		}
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(a)
		for i, m := range mask {
			if !m {
				dx[i] += g[i]
			}
		}
	}, a)
	return out
}

// MaskedFillTensor is MaskedFill with a tensor mask (nonzero means fill) that
// broadcasts to a's shape, as PyTorch's masked_fill: a (n, n) similarity matrix
// can take an (n, n) mask, or an (n, 1) mask that fills whole rows.
func (t *Tape) MaskedFillTensor(a *Var, mask *tensor.Tensor, value float32) *Var {
	s, err := tensor.BroadcastShape(a.Shape(), mask.Shape)
	if err != nil || !slices.Equal(s, a.Shape()) {
		panic(fmt.Sprintf("ag: MaskedFillTensor: mask %v does not broadcast to %v", mask.Shape, a.Shape()))
	}
	m := t.scratch(a.Value.Numel())
	mask.Expand(a.Shape()...).CopyTo(m)
	flags := make([]bool, len(m))
	for i, v := range m {
		flags[i] = v != 0
	}
	return t.MaskedFill(a, flags, value)
}

// Where returns a where cond is nonzero and b elsewhere, with cond, a and b
// broadcast together (NumPy rules) to the output shape. Each input's gradient is
// the output gradient where it was chosen, summed back to its own shape.
func (t *Tape) Where(cond *tensor.Tensor, a, b *Var) *Var {
	s1, err1 := tensor.BroadcastShape(cond.Shape, a.Shape())
	var shape []int
	var err2 error
	if err1 == nil {
		shape, err2 = tensor.BroadcastShape(s1, b.Shape())
	}
	if err1 != nil || err2 != nil {
		panic(fmt.Sprintf("ag: Where: shapes %v (cond), %v and %v do not broadcast", cond.Shape, a.Shape(), b.Shape()))
	}
	n := tensor.Numel(shape)
	c := t.scratch(n)
	cond.Expand(shape...).CopyTo(c)
	out := t.newVar("Where", shape...)
	o := out.Value.Data
	va, vb := t.expanded(a, shape), t.expanded(b, shape)
	for i, cv := range c {
		if cv != 0 {
			o[i] = va[i]
		} else {
			o[i] = vb[i]
		}
	}
	t.record(out, func(g []float32) {
		for _, side := range [2]struct {
			v    *Var
			pick bool
		}{{a, true}, {b, false}} {
			if !side.v.needsGrad {
				continue
			}
			full := t.empty(shape)
			for i, cv := range c {
				if (cv != 0) == side.pick {
					full.Data[i] = g[i]
				} else {
					full.Data[i] = 0
				}
			}
			red := tensor.SumTo(full, side.v.Shape()).Contiguous()
			addTo(t.gradOf(side.v), red.Raw())
		}
	}, a, b)
	return out
}

// expanded returns v's value broadcast to shape as a flat row-major slice: v's
// own storage when the shapes already match, else a pooled copy.
func (t *Tape) expanded(v *Var, shape []int) []float32 {
	if slices.Equal(v.Shape(), shape) {
		return valueOf(v)
	}
	buf := t.scratch(tensor.Numel(shape))
	v.Value.Expand(shape...).CopyTo(buf)
	return buf
}
