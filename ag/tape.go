package ag

import (
	"fmt"
	"math"
	"slices"

	"github.com/contrast-ml/contrast/tensor"
)

// Tape records one forward pass for Backward. It is not safe for concurrent use:
// give each goroutine its own tape.
type Tape struct {
	grad  bool
	nodes []node
	pool  pool
	// CheckFinite, when set, makes every op scan its output (and Backward every
	// gradient) for NaN or Inf; the first offender is reported by Err.
	CheckFinite bool
	err         error
}

type node struct {
	out  *Var
	back func(g []float32)
}

// NewTape returns a tape; with grad false it records nothing (inference mode).
func NewTape(grad bool) *Tape { return &Tape{grad: grad} }

// Grad reports whether the tape records operations for Backward.
func (t *Tape) Grad() bool { return t.grad }

// Err returns the first non-finite value found while CheckFinite was set.
func (t *Tape) Err() error { return t.err }

// Reset forgets the recorded ops and returns intermediate buffers to the pool.
// Vars made on this tape must not be used afterwards.
func (t *Tape) Reset() {
	clear(t.nodes)
	t.nodes = t.nodes[:0]
	t.pool.release()
	t.err = nil
}

// Backward computes the gradient of loss (a one-element Var) with respect to
// every parameter the forward pass used, accumulating into their Grad.
func (t *Tape) Backward(loss *Var) {
	if loss.Value.Numel() != 1 {
		panic(fmt.Sprintf("ag: Backward of a non-scalar of shape %v", loss.Value.Shape))
	}
	t.BackwardWith(loss, []float32{1})
}

// BackwardWith starts the backward pass from out with the given upstream gradient.
func (t *Tape) BackwardWith(out *Var, grad []float32) {
	if !out.needsGrad {
		return
	}
	copy(t.gradOf(out), grad)
	for i := len(t.nodes) - 1; i >= 0; i-- {
		n := t.nodes[i]
		if n.out.Grad == nil {
			continue // no gradient reached this node
		}
		g := n.out.Grad.Data
		if t.CheckFinite && t.err == nil {
			if j := firstNonFinite(g); j >= 0 {
				t.err = fmt.Errorf("ag: gradient of %s holds %v at index %d", n.out.Name, g[j], j)
			}
		}
		n.back(g)
	}
}

// gradOf returns v's gradient buffer, zero-allocating it from the pool on first
// use, or nil when v needs no gradient.
func (t *Tape) gradOf(v *Var) []float32 {
	if !v.needsGrad {
		return nil
	}
	if v.Grad == nil {
		v.Grad = t.zeros(v.Value.Shape)
	}
	return v.Grad.Data
}

// newVar makes an op's output Var with a fresh (uninitialised) value of shape.
func (t *Tape) newVar(op string, shape ...int) *Var {
	return &Var{Value: t.empty(shape), Name: op}
}

// record registers out's backward closure when any input needs a gradient.
func (t *Tape) record(out *Var, back func(g []float32), inputs ...*Var) {
	if t.CheckFinite && t.err == nil {
		if j := firstNonFinite(out.Value.Data); j >= 0 {
			t.err = fmt.Errorf("ag: %s produced %v at index %d (shape %v)", out.Name, out.Value.Data[j], j, out.Value.Shape)
		}
	}
	if !t.grad {
		return
	}
	for _, in := range inputs {
		if in.needsGrad {
			out.needsGrad = true
			t.nodes = append(t.nodes, node{out: out, back: back})
			return
		}
	}
}

// empty returns a tensor of shape whose buffer comes from the pool, not zeroed.
func (t *Tape) empty(shape []int) *tensor.Tensor {
	n := tensor.Numel(shape)
	return &tensor.Tensor{Data: t.pool.get(n), Shape: slices.Clone(shape), Strides: tensor.ContiguousStrides(shape)}
}

// zeros returns a zeroed tensor of shape from the pool.
func (t *Tape) zeros(shape []int) *tensor.Tensor {
	x := t.empty(shape)
	clear(x.Data)
	return x
}

// scratch returns a pooled float32 buffer of length n, released at Reset.
func (t *Tape) scratch(n int) []float32 { return t.pool.get(n) }

func firstNonFinite(d []float32) int {
	for i, v := range d {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return i
		}
	}
	return -1
}

// pool recycles float32 buffers by exact length across tape resets.
type pool struct {
	free map[int][][]float32
	used [][]float32
}

func (p *pool) get(n int) []float32 {
	if p.free == nil {
		p.free = make(map[int][][]float32)
	}
	var b []float32
	if l := p.free[n]; len(l) > 0 {
		b = l[len(l)-1]
		p.free[n] = l[:len(l)-1]
	} else {
		b = make([]float32, n)
	}
	p.used = append(p.used, b)
	return b
}

func (p *pool) release() {
	for i, b := range p.used {
		p.free[len(b)] = append(p.free[len(b)], b)
		p.used[i] = nil
	}
	p.used = p.used[:0]
}
