package optim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Optimizer updates a fixed list of parameters from their gradients.
type Optimizer interface {
	// Step applies one update from the parameters' current gradients.
	Step()
	// ZeroGrad zeroes the gradients of every parameter.
	ZeroGrad()
	// LR returns the current learning rate.
	LR() float64
	// SetLR sets the learning rate used by the following steps.
	SetLR(lr float64)
	// Steps returns the number of updates applied so far.
	Steps() int
	// Params returns the parameters, in the order given to the constructor.
	Params() []*ag.Var
	// State returns copies of the step count (key StepKey) and of every
	// per-parameter buffer, keyed "<param name>.<buffer>".
	State() map[string]*tensor.Tensor
	// LoadState restores what State returned. It fails, changing nothing, when a
	// key is missing or unknown or a shape differs.
	LoadState(state map[string]*tensor.Tensor) error
}

// StepKey is the State key of the step count. The count is stored as two exact
// float32 integers, hi and lo, with step = hi*2^24 + lo (see EncodeStep).
const StepKey = "optim.step"

// EncodeStep returns a step count as the (2) tensor that State stores.
func EncodeStep(step int) *tensor.Tensor {
	return tensor.FromSlice([]float32{float32(step >> 24), float32(step & (1<<24 - 1))}, 2)
}

// DecodeStep is the inverse of EncodeStep.
func DecodeStep(t *tensor.Tensor) (int, error) {
	if t == nil || !slices.Equal(t.Shape, []int{2}) {
		return 0, fmt.Errorf("optim: step tensor must have shape [2]")
	}
	v := make([]float32, 2)
	t.CopyTo(v)
	hi, lo := float64(v[0]), float64(v[1])
	if hi < 0 || lo < 0 || lo >= 1<<24 || hi >= 1<<24 || hi != math.Trunc(hi) || lo != math.Trunc(lo) {
		return 0, fmt.Errorf("optim: invalid step encoding %v", v)
	}
	return int(hi)<<24 | int(lo), nil
}

// ExcludeBiasAndNorm reports whether p has at most one dimension: biases and the
// scales and shifts of BatchNorm and LayerNorm. SimCLR excludes these from weight
// decay and from LARS adaptation.
func ExcludeBiasAndNorm(p *ag.Var) bool { return p.Value.Dims() <= 1 }

// ExcludeNames returns a predicate that is true for parameters whose name contains
// any of the substrings, e.g. ExcludeNames("bias", "bn", "norm").
func ExcludeNames(substrings ...string) func(*ag.Var) bool {
	subs := slices.Clone(substrings)
	return func(p *ag.Var) bool {
		for _, s := range subs {
			if strings.Contains(p.Name, s) {
				return true
			}
		}
		return false
	}
}

// base holds what every optimizer shares: the parameters, their exclusion flags,
// the learning rate, the step count and the chunked work list.
type base struct {
	name     string
	params   []*ag.Var
	excluded []bool
	lr       float64
	step     int
	work     chunks
}

func newBase(name string, params []*ag.Var, lr float64, exclude func(*ag.Var) bool) (base, error) {
	if len(params) == 0 {
		return base{}, fmt.Errorf("optim: %s: no parameters", name)
	}
	if err := checkLR(name, lr); err != nil {
		return base{}, err
	}
	seen := make(map[string]bool, len(params))
	b := base{name: name, params: slices.Clone(params), excluded: make([]bool, len(params)), lr: lr}
	for i, p := range params {
		switch {
		case p == nil:
			return base{}, fmt.Errorf("optim: %s: parameter %d is nil", name, i)
		case !p.IsParam() || p.Grad == nil:
			return base{}, fmt.Errorf("optim: %s: %q (index %d) is not a parameter (make it with ag.Param)", name, p.Name, i)
		case p.Name == "":
			return base{}, fmt.Errorf("optim: %s: parameter %d has no name", name, i)
		case seen[p.Name]:
			return base{}, fmt.Errorf("optim: %s: parameter name %q appears twice", name, p.Name)
		case !p.Value.IsContiguous() || !p.Grad.IsContiguous() || !tensor.SameShape(p.Value, p.Grad):
			return base{}, fmt.Errorf("optim: %s: %q: value %v and gradient %v must be contiguous with equal shapes", name, p.Name, p.Value.Shape, p.Grad.Shape)
		}
		seen[p.Name] = true
		b.excluded[i] = exclude != nil && exclude(p)
	}
	b.work = newChunks(b.params)
	return b, nil
}

func checkLR(name string, lr float64) error {
	if !(lr >= 0) || math.IsInf(lr, 0) {
		return fmt.Errorf("optim: %s: invalid learning rate %v", name, lr)
	}
	return nil
}

// LR returns the current learning rate.
func (b *base) LR() float64 { return b.lr }

// SetLR sets the learning rate. A negative or non-finite rate panics: it is a
// programming error (schedules never produce one).
func (b *base) SetLR(lr float64) {
	if err := checkLR(b.name, lr); err != nil {
		panic(err.Error())
	}
	b.lr = lr
}

// Steps returns the number of updates applied so far.
func (b *base) Steps() int { return b.step }

// Params returns the optimized parameters.
func (b *base) Params() []*ag.Var { return b.params }

// ZeroGrad zeroes every parameter's gradient.
func (b *base) ZeroGrad() {
	for _, p := range b.params {
		p.Grad.Zero()
	}
}

// newBuffers returns one zero tensor per parameter, shaped like it.
func newBuffers(params []*ag.Var) []*tensor.Tensor {
	bufs := make([]*tensor.Tensor, len(params))
	for i, p := range params {
		bufs[i] = tensor.New(p.Value.Shape...)
	}
	return bufs
}

// bufferSet names a per-parameter buffer in State.
type bufferSet struct {
	suffix string
	bufs   []*tensor.Tensor
}

// state builds the State map from the step count and the buffer sets.
func (b *base) state(sets ...bufferSet) map[string]*tensor.Tensor {
	m := map[string]*tensor.Tensor{StepKey: EncodeStep(b.step)}
	for _, s := range sets {
		for i, p := range b.params {
			m[p.Name+"."+s.suffix] = s.bufs[i].Clone()
		}
	}
	return m
}

// loadState validates state against the expected keys and shapes, then copies it in.
func (b *base) loadState(state map[string]*tensor.Tensor, sets ...bufferSet) error {
	step, err := DecodeStep(state[StepKey])
	if err != nil {
		return fmt.Errorf("optim: %s: load state: %q: %w", b.name, StepKey, err)
	}
	want := 1
	for _, s := range sets {
		for i, p := range b.params {
			key := p.Name + "." + s.suffix
			t, ok := state[key]
			if !ok || t == nil {
				return fmt.Errorf("optim: %s: load state: missing %q", b.name, key)
			}
			if !slices.Equal(t.Shape, s.bufs[i].Shape) {
				return fmt.Errorf("optim: %s: load state: %q has shape %v, parameter has %v", b.name, key, t.Shape, s.bufs[i].Shape)
			}
			want++
		}
	}
	if len(state) != want {
		for k := range state {
			if !b.knownKey(k, sets) {
				return fmt.Errorf("optim: %s: load state: unknown key %q", b.name, k)
			}
		}
	}
	for _, s := range sets {
		for i, p := range b.params {
			state[p.Name+"."+s.suffix].CopyTo(s.bufs[i].Data)
		}
	}
	b.step = step
	return nil
}

func (b *base) knownKey(k string, sets []bufferSet) bool {
	if k == StepKey {
		return true
	}
	for _, s := range sets {
		for _, p := range b.params {
			if k == p.Name+"."+s.suffix {
				return true
			}
		}
	}
	return false
}

// fma returns x*y+z rounded once to float32, as PyTorch's CPU kernels compute
// a + alpha*b (GCC contracts them to fused multiply-adds). x*y is exact in float64,
// so float32(x*y+z) is wrong only when the float64 sum is inexact and lands exactly
// on a float32 rounding midpoint (or in the float32 subnormal range); that rare
// case takes the slow path, which rounds the sum to odd (Boldo & Melquiond 2008)
// so that the final rounding is correct.
func fma(x, y, z float32) float32 {
	a, b := float64(x)*float64(y), float64(z)
	s := a + b
	bits := math.Float64bits(s)
	if bits&(1<<29-1) != 1<<28 && bits&(0x7ff<<52) >= (1023-126)<<52 {
		return float32(s)
	}
	return fmaSlow(a, b, s)
}

func fmaSlow(a, b, s float64) float32 {
	if math.IsInf(s, 0) || math.IsNaN(s) {
		return float32(s)
	}
	// TwoSum (Knuth): e is the exact rounding error of s = a + b.
	bb := s - a
	e := (a - (s - bb)) + (b - bb)
	if bits := math.Float64bits(s); e != 0 && bits&1 == 0 {
		if (e > 0) == (s > 0) {
			bits++
		} else {
			bits--
		}
		s = math.Float64frombits(bits)
	}
	return float32(s)
}
