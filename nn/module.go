package nn

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Module is a layer or a network of layers.
type Module interface {
	// Forward records the module's computation of x on t and returns the output.
	Forward(t *ag.Tape, x *ag.Var) *ag.Var
	// Params returns the trainable parameters in a fixed order, with
	// hierarchical names (e.g. "encoder.0.weight").
	Params() []*ag.Var
	// Buffers returns the non-trainable state saved in checkpoints (e.g.
	// "bn.running_mean"); nil when there is none.
	Buffers() []*Buffer
	// SetTraining switches between training and evaluation behaviour.
	SetTraining(training bool)
}

// Buffer is a named non-trainable tensor of a module, such as a running mean.
type Buffer struct {
	Name  string
	Value *tensor.Tensor
}

// Prefix prepends prefix and a dot to the names of m's parameters and buffers,
// in place, and returns m. Call it once per module: prefixes accumulate.
func Prefix[M Module](prefix string, m M) M {
	for _, p := range m.Params() {
		p.Name = prefix + "." + p.Name
	}
	for _, b := range m.Buffers() {
		b.Name = prefix + "." + b.Name
	}
	return m
}

// Tree is embedded by composite modules: it holds named children and implements
// Params, Buffers and SetTraining over them. The embedding type writes Forward.
type Tree struct {
	children []Module
	eval     bool // zero value: training, as modules start
}

// Add adopts m as a child called name (its names gain the prefix "name.") and
// returns it, typed, for the caller to keep.
func Add[M Module](t *Tree, name string, m M) M {
	t.children = append(t.children, Prefix(name, m))
	return m
}

// Children returns the adopted modules in order.
func (t *Tree) Children() []Module { return t.children }

// Params returns the children's parameters in order, each shared one once.
func (t *Tree) Params() []*ag.Var {
	var ps []*ag.Var
	seen := map[*ag.Var]bool{}
	for _, c := range t.children {
		for _, p := range c.Params() {
			if !seen[p] {
				seen[p] = true
				ps = append(ps, p)
			}
		}
	}
	return ps
}

// Buffers returns the children's buffers in order.
func (t *Tree) Buffers() []*Buffer {
	var bs []*Buffer
	for _, c := range t.children {
		bs = append(bs, c.Buffers()...)
	}
	return bs
}

// SetTraining sets the mode of every child.
func (t *Tree) SetTraining(training bool) {
	t.eval = !training
	for _, c := range t.children {
		c.SetTraining(training)
	}
}

// Training reports the mode last set (true before any SetTraining).
func (t *Tree) Training() bool { return !t.eval }

// stateless is embedded by parameter-free modules.
type stateless struct{}

// Params returns nil: the module has no parameters.
func (stateless) Params() []*ag.Var { return nil }

// Buffers returns nil: the module has no buffers.
func (stateless) Buffers() []*Buffer { return nil }

// SetTraining does nothing: the module behaves the same in both modes.
func (stateless) SetTraining(bool) {}

// Must returns v, panicking when err is not nil; for architectures fixed in code,
// as regexp.MustCompile.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// ParamCount returns the number of trainable scalars of m.
func ParamCount(m Module) int {
	n := 0
	for _, p := range m.Params() {
		n += p.Value.Numel()
	}
	return n
}

func checkPositive(layer string, vals ...any) error {
	for i := 0; i+1 < len(vals); i += 2 {
		if v := vals[i+1].(int); v <= 0 {
			return fmt.Errorf("nn: %s: %s must be positive, got %d", layer, vals[i], v)
		}
	}
	return nil
}
