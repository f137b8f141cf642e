package optim

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// AdamConfig holds the hyper-parameters of Adam and AdamW. Start from DefaultAdam
// or DefaultAdamW: zero betas are legal values, not defaults.
type AdamConfig struct {
	LR           float64
	Beta1, Beta2 float64 // moment decay rates, in [0, 1)
	Eps          float64 // added to the bias-corrected root of the second moment
	WeightDecay  float64 // L2 (Adam) or decoupled (AdamW) weight decay
	// Exclude selects parameters that get no weight decay; nil decays all.
	Exclude func(*ag.Var) bool
}

// DefaultAdam returns torch.optim.Adam's defaults: lr 1e-3, betas (0.9, 0.999),
// eps 1e-8, no weight decay.
func DefaultAdam() AdamConfig { return AdamConfig{LR: 1e-3, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8} }

// DefaultAdamW returns torch.optim.AdamW's defaults: as Adam with weight decay 1e-2.
func DefaultAdamW() AdamConfig {
	c := DefaultAdam()
	c.WeightDecay = 1e-2
	return c
}

// Adam is Kingma & Ba 2014 (arXiv 1412.6980) exactly as torch.optim.Adam, with
// L2 weight decay λ added to the gradient. At step t (from 1):
//
//	g ← g + λ·p                        (unless excluded)
//	m ← β1·m + (1-β1)·g
//	v ← β2·v + (1-β2)·g·g
//	p ← p - lr/(1-β1^t) · m / (sqrt(v)/sqrt(1-β2^t) + ε)
//
// Its state holds "<name>.exp_avg" (m) and "<name>.exp_avg_sq" (v).
type Adam struct{ adam }

// AdamW is Adam with decoupled weight decay (Loshchilov & Hutter 2017, arXiv
// 1711.05101) exactly as torch.optim.AdamW: p ← p·(1 - lr·λ) before the Adam
// update, which then uses the raw gradient.
type AdamW struct{ adam }

var (
	_ Optimizer = (*Adam)(nil)
	_ Optimizer = (*AdamW)(nil)
)

// NewAdam returns an Adam optimizer over params.
func NewAdam(params []*ag.Var, cfg AdamConfig) (*Adam, error) {
	a, err := newAdam("Adam", params, cfg, false)
	if err != nil {
		return nil, err
	}
	return &Adam{a}, nil
}

// NewAdamW returns an AdamW optimizer over params.
func NewAdamW(params []*ag.Var, cfg AdamConfig) (*AdamW, error) {
	a, err := newAdam("AdamW", params, cfg, true)
	if err != nil {
		return nil, err
	}
	return &AdamW{a}, nil
}

// adam is the shared implementation of Adam and AdamW.
type adam struct {
	base
	cfg       AdamConfig
	decoupled bool
	m, v      []*tensor.Tensor
	update    func(lo, hi int)
	// Per-step float32 scalars.
	b1, b2, c1, c2, wd, decay, bc2sqrt, eps, nstep float32
}

func newAdam(name string, params []*ag.Var, cfg AdamConfig, decoupled bool) (adam, error) {
	switch {
	case !(cfg.Beta1 >= 0 && cfg.Beta1 < 1):
		return adam{}, fmt.Errorf("optim: %s: invalid beta1 %v", name, cfg.Beta1)
	case !(cfg.Beta2 >= 0 && cfg.Beta2 < 1):
		return adam{}, fmt.Errorf("optim: %s: invalid beta2 %v", name, cfg.Beta2)
	case !(cfg.Eps >= 0) || math.IsInf(cfg.Eps, 0):
		return adam{}, fmt.Errorf("optim: %s: invalid eps %v", name, cfg.Eps)
	case !(cfg.WeightDecay >= 0) || math.IsInf(cfg.WeightDecay, 0):
		return adam{}, fmt.Errorf("optim: %s: invalid weight decay %v", name, cfg.WeightDecay)
	}
	b, err := newBase(name, params, cfg.LR, cfg.Exclude)
	if err != nil {
		return adam{}, err
	}
	return adam{base: b, cfg: cfg, decoupled: decoupled, m: newBuffers(b.params), v: newBuffers(b.params)}, nil
}

// Step applies one update.
func (o *adam) Step() {
	if o.update == nil {
		o.update = o.updateChunks // made once: the method value would allocate per call
	}
	t := float64(o.step + 1)
	lr, c := o.base.lr, &o.cfg
	bc1 := 1 - math.Pow(c.Beta1, t)
	bc2 := 1 - math.Pow(c.Beta2, t)
	o.b1, o.b2 = float32(c.Beta1), float32(c.Beta2)
	o.c1, o.c2 = float32(1-c.Beta1), float32(1-c.Beta2)
	o.wd = float32(c.WeightDecay)
	o.decay = float32(1 - lr*c.WeightDecay)
	o.bc2sqrt = float32(math.Sqrt(bc2))
	o.eps = float32(c.Eps)
	o.nstep = float32(-(lr / bc1))
	o.work.run(o.update)
	o.step++
}

func (o *adam) updateChunks(lo, hi int) {
	for _, c := range o.work.items[lo:hi] {
		p := o.params[c.p]
		w, g := p.Value.Data[c.lo:c.hi], p.Grad.Data[c.lo:c.hi]
		m, v := o.m[c.p].Data[c.lo:c.hi], o.v[c.p].Data[c.lo:c.hi]
		var l2 float32
		decay := float32(1)
		switch {
		case o.excluded[c.p]:
		case o.decoupled:
			decay = o.decay
		default:
			l2 = o.wd
		}
		adamUpdate(w, g, m, v, l2, decay, o.b1, o.b2, o.c1, o.c2, o.bc2sqrt, o.eps, o.nstep)
	}
}

// adamUpdate is one Adam step on a slice in PyTorch's operation order; l2 is the
// coupled weight decay, decay the decoupled multiplier (1 when off), nstep the
// negated bias-corrected step size. Products outside a fused multiply-add are
// rounded to float32 (the conversions also forbid the compiler to fuse them).
func adamUpdate(w, g, m, v []float32, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep float32) {
	g, m, v = g[:len(w)], m[:len(w)], v[:len(w)]
	if n := adamVec(w, g, m, v, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep); n > 0 {
		w, g, m, v = w[n:], g[n:], m[n:], v[n:]
	}
	for i, p := range w {
		gi := g[i]
		if l2 != 0 {
			gi = fma(l2, p, gi)
		}
		if decay != 1 {
			p = float32(p * decay)
		}
		mi := fma(c1, gi, float32(m[i]*b1))
		vi := fma(float32(c2*gi), gi, float32(v[i]*b2))
		m[i], v[i] = mi, vi
		den := float32(math.Sqrt(float64(vi)))/bc2sqrt + eps
		w[i] = p + float32(nstep*mi)/den
	}
}

// State returns the step count and both moments.
func (o *adam) State() map[string]*tensor.Tensor { return o.state(o.sets()...) }

// LoadState restores State's output.
func (o *adam) LoadState(s map[string]*tensor.Tensor) error { return o.loadState(s, o.sets()...) }

func (o *adam) sets() []bufferSet {
	return []bufferSet{{"exp_avg", o.m}, {"exp_avg_sq", o.v}}
}
