package optim

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// SGDConfig holds the hyper-parameters of SGD; the zero value except LR is plain
// gradient descent.
type SGDConfig struct {
	LR          float64
	Momentum    float64 // μ; 0 disables the momentum buffer
	Dampening   float64 // τ; must be 0 with Nesterov
	WeightDecay float64 // λ, L2 penalty added to the gradient
	Nesterov    bool
	// Exclude selects parameters that get no weight decay; nil decays all.
	Exclude func(*ag.Var) bool
}

// SGD is stochastic gradient descent with momentum, exactly as torch.optim.SGD:
//
//	g ← g + λ·p                        (unless excluded)
//	b ← g at the first step, else μ·b + (1-τ)·g
//	g ← g + μ·b with Nesterov (Sutskever et al. 2013), else g ← b
//	p ← p - lr·g
//
// Its state holds "<name>.momentum_buffer" for every parameter when μ ≠ 0.
type SGD struct {
	base
	cfg    SGDConfig
	buf    []*tensor.Tensor
	update func(lo, hi int)
	// Per-step scalars, float32 as PyTorch applies them.
	lr, wd, mom, damp1 float32
	first              bool
}

var _ Optimizer = (*SGD)(nil)

// NewSGD returns an SGD optimizer over params, validating cfg as PyTorch does.
func NewSGD(params []*ag.Var, cfg SGDConfig) (*SGD, error) {
	switch {
	case !(cfg.Momentum >= 0):
		return nil, fmt.Errorf("optim: SGD: invalid momentum %v", cfg.Momentum)
	case !(cfg.WeightDecay >= 0):
		return nil, fmt.Errorf("optim: SGD: invalid weight decay %v", cfg.WeightDecay)
	case !(cfg.Dampening >= 0 && cfg.Dampening <= 1):
		return nil, fmt.Errorf("optim: SGD: invalid dampening %v", cfg.Dampening)
	case cfg.Nesterov && (cfg.Momentum <= 0 || cfg.Dampening != 0):
		return nil, fmt.Errorf("optim: SGD: Nesterov momentum requires a momentum and zero dampening")
	}
	b, err := newBase("SGD", params, cfg.LR, cfg.Exclude)
	if err != nil {
		return nil, err
	}
	o := &SGD{base: b, cfg: cfg}
	if cfg.Momentum != 0 {
		o.buf = newBuffers(o.params)
	}
	o.update = o.updateChunks
	return o, nil
}

// Step applies one SGD update.
func (o *SGD) Step() {
	o.lr = float32(-o.base.lr)
	o.wd = float32(o.cfg.WeightDecay)
	o.mom = float32(o.cfg.Momentum)
	o.damp1 = float32(1 - o.cfg.Dampening)
	o.first = o.step == 0
	o.work.run(o.update)
	o.step++
}

func (o *SGD) updateChunks(lo, hi int) {
	for _, c := range o.work.items[lo:hi] {
		p := o.params[c.p]
		w, g := p.Value.Data[c.lo:c.hi], p.Grad.Data[c.lo:c.hi]
		wd := o.wd
		if o.excluded[c.p] {
			wd = 0
		}
		if o.buf == nil {
			sgdPlain(w, g, o.lr, wd)
			continue
		}
		sgdMomentum(w, g, o.buf[c.p].Data[c.lo:c.hi], o.lr, wd, o.mom, o.damp1, o.cfg.Nesterov, o.first)
	}
}

// sgdPlain is p ← p + nlr·(g + wd·p), nlr = -lr, each a + α·b a fused
// multiply-add as in PyTorch's kernels.
func sgdPlain(w, g []float32, nlr, wd float32) {
	g = g[:len(w)]
	for i, p := range w {
		d := g[i]
		if wd != 0 {
			d = fma(wd, p, d)
		}
		w[i] = fma(nlr, d, p)
	}
}

func sgdMomentum(w, g, buf []float32, nlr, wd, mom, damp1 float32, nesterov, first bool) {
	g, buf = g[:len(w)], buf[:len(w)]
	if n := sgdMomentumVec(w, g, buf, nlr, wd, mom, damp1, nesterov, first); n > 0 {
		w, g, buf = w[n:], g[n:], buf[n:]
	}
	for i, p := range w {
		d := g[i]
		if wd != 0 {
			d = fma(wd, p, d)
		}
		b := d
		if !first {
			b = fma(damp1, d, float32(buf[i]*mom))
		}
		buf[i] = b
		if nesterov {
			d = fma(mom, b, d)
		} else {
			d = b
		}
		w[i] = fma(nlr, d, p)
	}
}

// State returns the step count and the momentum buffers.
func (o *SGD) State() map[string]*tensor.Tensor { return o.state(o.sets()...) }

// LoadState restores State's output.
func (o *SGD) LoadState(s map[string]*tensor.Tensor) error { return o.loadState(s, o.sets()...) }

func (o *SGD) sets() []bufferSet {
	if o.buf == nil {
		return nil
	}
	return []bufferSet{{"momentum_buffer", o.buf}}
}
