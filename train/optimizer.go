package train

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/optim"
)

// newOptimizer builds the optimizer of cfg over params. Biases and
// normalisation parameters (1-D) get no weight decay, and no LARS adaptation.
func newOptimizer(cfg OptimConfig, params []*ag.Var) (optim.Optimizer, error) {
	switch cfg.Kind {
	case OptimAdam, OptimAdamW:
		a := optim.DefaultAdam()
		if cfg.Kind == OptimAdamW {
			a = optim.DefaultAdamW()
		}
		a.LR, a.WeightDecay, a.Exclude = cfg.LR, cfg.WeightDecay, optim.ExcludeBiasAndNorm
		if cfg.Kind == OptimAdamW {
			return optim.NewAdamW(params, a)
		}
		return optim.NewAdam(params, a)
	case OptimSGD:
		return optim.NewSGD(params, optim.SGDConfig{LR: cfg.LR, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, Exclude: optim.ExcludeBiasAndNorm})
	case OptimLARS:
		return optim.NewLARS(params, optim.LARSConfig{LR: cfg.LR, Momentum: cfg.Momentum, WeightDecay: cfg.WeightDecay, Exclude: optim.ExcludeBiasAndNorm})
	}
	return nil, fmt.Errorf("train: unknown optimizer %v", cfg.Kind)
}

// newSchedule is linear warm-up then cosine decay (or a constant rate).
func newSchedule(cfg OptimConfig, total int) (optim.Schedule, error) {
	if !cfg.Cosine && cfg.Warmup == 0 {
		return optim.NewConstant(cfg.LR)
	}
	warm := int(cfg.Warmup * float64(total))
	floor := cfg.MinLR
	if !cfg.Cosine {
		floor = cfg.LR
	}
	return optim.NewWarmupCosine(cfg.LR, floor, warm, total)
}

// clipGradNorm scales every gradient so that their global L2 norm is at most
// maxNorm, returning the norm before clipping.
func clipGradNorm(params []*ag.Var, maxNorm float64) float64 {
	var s float64
	for _, p := range params {
		for _, g := range p.Grad.Data {
			s += float64(g) * float64(g)
		}
	}
	norm := math.Sqrt(s)
	if maxNorm > 0 && norm > maxNorm {
		scale := float32(maxNorm / (norm + 1e-6))
		for _, p := range params {
			p.Grad.Scale(scale)
		}
	}
	return norm
}
