package optim

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// testParams returns a weight, a bias and, when big, a parameter large enough for
// several chunks and the parallel path.
func testParams(seed uint64, big bool) []*ag.Var {
	rng := tensor.NewRNG(seed)
	ps := []*ag.Var{
		ag.Param("layer.weight", tensor.New(3, 4).Normal(rng, 0, 1)),
		ag.Param("layer.bias", tensor.New(4).Normal(rng, 0, 0.1)),
	}
	if big {
		ps = append(ps, ag.Param("big.weight", tensor.New(300, 250).Normal(rng, 0, 0.05)))
	}
	return ps
}

// setGrads fills every gradient with seeded values that differ per step.
func setGrads(ps []*ag.Var, step int) {
	rng := tensor.NewRNG(uint64(1000 + step))
	for _, p := range ps {
		p.Grad.Normal(rng, 0, 0.5)
	}
}

func toF64(ps []*ag.Var, grad bool) [][]float64 {
	out := make([][]float64, len(ps))
	for i, p := range ps {
		src := p.Value.Data
		if grad {
			src = p.Grad.Data
		}
		out[i] = make([]float64, len(src))
		for j, v := range src {
			out[i][j] = float64(v)
		}
	}
	return out
}

// oracleStep updates w (per parameter, float64) from g at step t (from 1) with
// learning rate lr; excluded marks parameters without weight decay.
type oracleStep func(w, g [][]float64, lr float64, t int, excluded []bool)

// sgdOracle follows the torch.optim.SGD documentation's pseudo-code.
func sgdOracle(mom, damp, wd float64, nesterov bool) oracleStep {
	var buf [][]float64
	return func(w, g [][]float64, lr float64, t int, ex []bool) {
		if buf == nil {
			buf = make([][]float64, len(w))
			for i := range w {
				buf[i] = make([]float64, len(w[i]))
			}
		}
		for i := range w {
			for j := range w[i] {
				d := g[i][j]
				if !ex[i] {
					d += wd * w[i][j]
				}
				if mom != 0 {
					if t == 1 {
						buf[i][j] = d
					} else {
						buf[i][j] = mom*buf[i][j] + (1-damp)*d
					}
					if nesterov {
						d += mom * buf[i][j]
					} else {
						d = buf[i][j]
					}
				}
				w[i][j] -= lr * d
			}
		}
	}
}

// adamOracle follows Algorithm 1 of Kingma & Ba with PyTorch's placement of eps
// and, when decoupled, Loshchilov & Hutter's weight decay.
func adamOracle(b1, b2, eps, wd float64, decoupled bool) oracleStep {
	var m, v [][]float64
	return func(w, g [][]float64, lr float64, t int, ex []bool) {
		if m == nil {
			m, v = make([][]float64, len(w)), make([][]float64, len(w))
			for i := range w {
				m[i], v[i] = make([]float64, len(w[i])), make([]float64, len(w[i]))
			}
		}
		for i := range w {
			for j := range w[i] {
				d := g[i][j]
				if !ex[i] {
					if decoupled {
						w[i][j] *= 1 - lr*wd
					} else {
						d += wd * w[i][j]
					}
				}
				m[i][j] = b1*m[i][j] + (1-b1)*d
				v[i][j] = b2*v[i][j] + (1-b2)*d*d
				mhat := m[i][j] / (1 - math.Pow(b1, float64(t)))
				vhat := v[i][j] / (1 - math.Pow(b2, float64(t)))
				w[i][j] -= lr * mhat / (math.Sqrt(vhat) + eps)
			}
		}
	}
}

// larsOracle follows SimCLR's lars_optimizer.py (classic momentum).
func larsOracle(mom, wd, eta float64, nesterov bool) oracleStep {
	var buf [][]float64
	return func(w, g [][]float64, lr float64, t int, ex []bool) {
		if buf == nil {
			buf = make([][]float64, len(w))
			for i := range w {
				buf[i] = make([]float64, len(w[i]))
			}
		}
		for i := range w {
			d := make([]float64, len(w[i]))
			var wn, gn float64
			for j := range w[i] {
				d[j] = g[i][j]
				if !ex[i] {
					d[j] += wd * w[i][j]
				}
				wn += w[i][j] * w[i][j]
				gn += d[j] * d[j]
			}
			wn, gn = math.Sqrt(wn), math.Sqrt(gn)
			trust := 1.0
			if !ex[i] && wn > 0 && gn > 0 {
				trust = eta * wn / gn
			}
			for j := range w[i] {
				s := lr * trust * d[j]
				buf[i][j] = mom*buf[i][j] + s
				if nesterov {
					w[i][j] -= mom*buf[i][j] + s
				} else {
					w[i][j] -= buf[i][j]
				}
			}
		}
	}
}

type optCase struct {
	name   string
	noBias bool // the optimizer excludes "layer.bias" from weight decay
	make   func([]*ag.Var) (Optimizer, error)
	oracle func() oracleStep
}

func optCases() []optCase {
	noBias := ExcludeNames("bias")
	return []optCase{
		{"SGD", false, func(p []*ag.Var) (Optimizer, error) { return NewSGD(p, SGDConfig{LR: 0.1}) },
			func() oracleStep { return sgdOracle(0, 0, 0, false) }},
		{"SGD/wd", true, func(p []*ag.Var) (Optimizer, error) {
			return NewSGD(p, SGDConfig{LR: 0.1, WeightDecay: 0.01, Exclude: noBias})
		}, func() oracleStep { return sgdOracle(0, 0, 0.01, false) }},
		{"SGD/momentum", false, func(p []*ag.Var) (Optimizer, error) {
			return NewSGD(p, SGDConfig{LR: 0.05, Momentum: 0.9, Dampening: 0.1, WeightDecay: 1e-3})
		}, func() oracleStep { return sgdOracle(0.9, 0.1, 1e-3, false) }},
		{"SGD/nesterov", true, func(p []*ag.Var) (Optimizer, error) {
			return NewSGD(p, SGDConfig{LR: 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-2, Exclude: noBias})
		}, func() oracleStep { return sgdOracle(0.9, 0, 1e-2, true) }},
		{"Adam", true, func(p []*ag.Var) (Optimizer, error) {
			c := DefaultAdam()
			c.WeightDecay, c.Exclude = 0.05, noBias
			return NewAdam(p, c)
		}, func() oracleStep { return adamOracle(0.9, 0.999, 1e-8, 0.05, false) }},
		{"AdamW", false, func(p []*ag.Var) (Optimizer, error) {
			c := DefaultAdamW()
			c.Beta1, c.Eps, c.WeightDecay = 0.8, 1e-6, 0.1
			return NewAdamW(p, c)
		}, func() oracleStep { return adamOracle(0.8, 0.999, 1e-6, 0.1, true) }},
		{"LARS", true, func(p []*ag.Var) (Optimizer, error) {
			return NewLARS(p, LARSConfig{LR: 0.5, Momentum: 0.9, WeightDecay: 1e-4})
		}, func() oracleStep { return larsOracle(0.9, 1e-4, 0.001, false) }},
		{"LARS/nesterov", true, func(p []*ag.Var) (Optimizer, error) {
			return NewLARS(p, LARSConfig{LR: 2, Momentum: 0.9, WeightDecay: 1e-2, TrustCoef: 0.02, Nesterov: true})
		}, func() oracleStep { return larsOracle(0.9, 1e-2, 0.02, true) }},
	}
}

// TestOracle checks every optimizer against an independent float64 loop over
// several steps with a changing learning rate, on a model small enough for the
// serial path and on one large enough for chunking and parallel updates.
func TestOracle(t *testing.T) {
	lrScale := []float64{1, 0.5, 2, 1, 0.25, 1}
	for _, c := range optCases() {
		for _, big := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/big=%v", c.name, big), func(t *testing.T) {
				ps := testParams(1, big)
				opt, err := c.make(ps)
				if err != nil {
					t.Fatal(err)
				}
				or := c.oracle()
				ex := make([]bool, len(ps))
				for i, p := range ps {
					ex[i] = c.noBias && p.Name == "layer.bias"
				}
				w := toF64(ps, false)
				base := opt.LR()
				for s, k := range lrScale {
					setGrads(ps, s)
					opt.SetLR(base * k)
					or(w, toF64(ps, true), base*k, s+1, ex)
					opt.Step()
				}
				for i, p := range ps {
					for j, got := range p.Value.Data {
						want := w[i][j]
						if math.Abs(float64(got)-want) > 2e-6+2e-5*math.Abs(want) {
							t.Fatalf("%s[%d] = %.8g, oracle %.8g", p.Name, j, got, want)
						}
					}
				}
			})
		}
	}
}
