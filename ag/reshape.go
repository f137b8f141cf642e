package ag

import (
	"fmt"
	"slices"

	"github.com/contrast-ml/contrast/tensor"
)

// Reshape returns a with a new shape of the same number of elements; one
// dimension may be -1 and is inferred. The value shares a's storage (no copy);
// the gradient is a's, reshaped back.
func (t *Tape) Reshape(a *Var, shape ...int) *Var {
	return t.reshape("Reshape", a, shape)
}

// Flatten collapses every axis after the first: (n, d1, d2, ...) -> (n, d1·d2·...),
// as PyTorch's flatten(x, 1). It panics on fewer than two dimensions.
func (t *Tape) Flatten(a *Var) *Var {
	if a.Value.Dims() < 2 {
		panic(fmt.Sprintf("ag: Flatten: needs at least 2 dimensions, got shape %v", a.Shape()))
	}
	return t.reshape("Flatten", a, []int{a.Shape()[0], -1})
}

func (t *Tape) reshape(op string, a *Var, shape []int) *Var {
	shape = slices.Clone(shape)
	n := a.Value.Numel()
	infer, known := -1, 1
	for i, d := range shape {
		switch {
		case d == -1 && infer < 0:
			infer = i
		case d < 0:
			panic(fmt.Sprintf("ag: %s: bad target shape %v for %v", op, shape, a.Shape()))
		default:
			known *= d
		}
	}
	if infer >= 0 {
		if known == 0 || n%known != 0 {
			panic(fmt.Sprintf("ag: %s: cannot reshape %v into %v", op, a.Shape(), shape))
		}
		shape[infer] = n / known
	}
	if tensor.Numel(shape) != n {
		panic(fmt.Sprintf("ag: %s: cannot reshape %v into %v", op, a.Shape(), shape))
	}
	out := &Var{Value: contiguousView(valueOf(a), shape), Name: op}
	t.record(out, func(g []float32) { addTo(t.gradOf(a), g) }, a)
	return out
}
