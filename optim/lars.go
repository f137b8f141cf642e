package optim

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// LARSConfig holds the hyper-parameters of LARS.
type LARSConfig struct {
	LR          float64
	Momentum    float64 // μ, SimCLR uses 0.9
	WeightDecay float64 // λ, SimCLR uses 1e-6
	// TrustCoef is η in the trust ratio η·||w||/||g||; 0 means 0.001, the value of
	// You et al. and SimCLR.
	TrustCoef float64
	Nesterov  bool
	// Exclude selects parameters that get neither weight decay nor the trust
	// ratio. nil means ExcludeBiasAndNorm, as in SimCLR; to adapt every parameter
	// pass func(*ag.Var) bool { return false }.
	Exclude func(*ag.Var) bool
}

// DefaultTrustCoef is the LARS trust coefficient η of You et al. 2017 and SimCLR.
const DefaultTrustCoef = 0.001

// LARS is layer-wise adaptive rate scaling (You, Gitman & Ginsburg 2017, arXiv
// 1708.03888) as implemented by SimCLR (Chen et al. 2020, arXiv 2002.05709,
// lars_optimizer.py with classic momentum). For each parameter tensor w with
// gradient g:
//
//	g ← g + λ·w                                        (unless excluded)
//	r ← η·||w||/||g|| when both norms are > 0, else 1   (1 when excluded)
//	v ← μ·v + lr·r·g
//	w ← w - (μ·v + lr·r·g) with Nesterov, else w ← w - v
//
// The norms are summed in float64. Its state holds "<name>.momentum_buffer".
type LARS struct {
	base
	cfg    LARSConfig
	buf    []*tensor.Tensor
	sq     [][2]float64 // per chunk: sum w², sum (g+λw)²
	rate   []float32    // per parameter: lr·r
	norms  func(lo, hi int)
	update func(lo, hi int)
	wd     float32
	mom    float32
}

var _ Optimizer = (*LARS)(nil)

// NewLARS returns a LARS optimizer over params.
func NewLARS(params []*ag.Var, cfg LARSConfig) (*LARS, error) {
	if cfg.TrustCoef == 0 {
		cfg.TrustCoef = DefaultTrustCoef
	}
	if cfg.Exclude == nil {
		cfg.Exclude = ExcludeBiasAndNorm
	}
	switch {
	case !(cfg.Momentum >= 0):
		return nil, fmt.Errorf("optim: LARS: invalid momentum %v", cfg.Momentum)
	case !(cfg.WeightDecay >= 0) || math.IsInf(cfg.WeightDecay, 0):
		return nil, fmt.Errorf("optim: LARS: invalid weight decay %v", cfg.WeightDecay)
	case !(cfg.TrustCoef > 0) || math.IsInf(cfg.TrustCoef, 0):
		return nil, fmt.Errorf("optim: LARS: invalid trust coefficient %v", cfg.TrustCoef)
	}
	b, err := newBase("LARS", params, cfg.LR, cfg.Exclude)
	if err != nil {
		return nil, err
	}
	o := &LARS{base: b, cfg: cfg, buf: newBuffers(b.params)}
	o.sq = make([][2]float64, len(o.work.items))
	o.rate = make([]float32, len(o.params))
	o.norms, o.update = o.normChunks, o.updateChunks
	return o, nil
}

// Step applies one LARS update.
func (o *LARS) Step() {
	o.wd, o.mom = float32(o.cfg.WeightDecay), float32(o.cfg.Momentum)
	o.work.run(o.norms)
	// Sum the per-chunk squares of each parameter in chunk order.
	var w2, g2 float64
	for k, c := range o.work.items {
		w2 += o.sq[k][0]
		g2 += o.sq[k][1]
		if k+1 < len(o.work.items) && o.work.items[k+1].p == c.p {
			continue
		}
		r := 1.0
		if !o.excluded[c.p] && w2 > 0 && g2 > 0 {
			r = o.cfg.TrustCoef * math.Sqrt(w2) / math.Sqrt(g2)
		}
		o.rate[c.p] = float32(o.base.lr * r)
		w2, g2 = 0, 0
	}
	o.work.run(o.update)
	o.step++
}

func (o *LARS) normChunks(lo, hi int) {
	for k := lo; k < hi; k++ {
		c := o.work.items[k]
		if o.excluded[c.p] {
			continue
		}
		p := o.params[c.p]
		w, g := p.Value.Data[c.lo:c.hi], p.Grad.Data[c.lo:c.hi]
		g = g[:len(w)]
		var w2, g2 float64
		for i, x := range w {
			d := g[i]
			if o.wd != 0 {
				d = fma(o.wd, x, d)
			}
			w2 += float64(x) * float64(x)
			g2 += float64(d) * float64(d)
		}
		o.sq[k] = [2]float64{w2, g2}
	}
}

func (o *LARS) updateChunks(lo, hi int) {
	for _, c := range o.work.items[lo:hi] {
		p := o.params[c.p]
		w, g, v := p.Value.Data[c.lo:c.hi], p.Grad.Data[c.lo:c.hi], o.buf[c.p].Data[c.lo:c.hi]
		wd := o.wd
		if o.excluded[c.p] {
			wd = 0
		}
		larsUpdate(w, g, v, wd, o.mom, o.rate[c.p], o.cfg.Nesterov)
	}
}

func larsUpdate(w, g, v []float32, wd, mom, rate float32, nesterov bool) {
	g, v = g[:len(w)], v[:len(w)]
	for i, x := range w {
		d := g[i]
		if wd != 0 {
			d = fma(wd, x, d)
		}
		step := float32(rate * d)
		vi := fma(mom, v[i], step)
		v[i] = vi
		if nesterov {
			w[i] = x - fma(mom, vi, step)
		} else {
			w[i] = x - vi
		}
	}
}

// State returns the step count and the momentum buffers.
func (o *LARS) State() map[string]*tensor.Tensor {
	return o.state(bufferSet{"momentum_buffer", o.buf})
}

// LoadState restores State's output.
func (o *LARS) LoadState(s map[string]*tensor.Tensor) error {
	return o.loadState(s, bufferSet{"momentum_buffer", o.buf})
}
