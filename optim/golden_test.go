package optim

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// golden is testdata/golden.json, written by testdata/golden.py with PyTorch.
type golden struct {
	Shapes map[string][]int       `json:"shapes"`
	Init   map[string][]float64   `json:"init"`
	Grads  []map[string][]float64 `json:"grads"`
	Cases  []struct {
		Name        string                 `json:"name"`
		Optimizer   string                 `json:"optimizer"`
		LR          []float64              `json:"lr"`
		Momentum    float64                `json:"momentum"`
		Dampening   float64                `json:"dampening"`
		Nesterov    bool                   `json:"nesterov"`
		WeightDecay float64                `json:"weight_decay"`
		ExcludeBias bool                   `json:"exclude_bias"`
		Betas       [2]float64             `json:"betas"`
		Eps         float64                `json:"eps"`
		Trajectory  []map[string][]float64 `json:"trajectory"`
	} `json:"cases"`
}

func f32s(v []float64) []float32 {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
	}
	return out
}

// ulps is the distance between a and b in units in the last place of float32.
func ulps(a, b float32) int64 {
	ia, ib := int64(int32(math.Float32bits(a))), int64(int32(math.Float32bits(b)))
	if ia < 0 {
		ia = math.MinInt32 - ia
	}
	if ib < 0 {
		ib = math.MinInt32 - ib
	}
	d := ia - ib
	if d < 0 {
		d = -d
	}
	return d
}

// TestGoldenPyTorch replays torch.optim's trajectories. PyTorch's CPU kernels may
// use fused multiply-adds where this package rounds every product, so a few
// units in the last place of difference are allowed (and reported).
func TestGoldenPyTorch(t *testing.T) {
	raw, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	if len(g.Cases) < 10 {
		t.Fatalf("golden.json holds %d cases", len(g.Cases))
	}
	const maxULP = 8
	for _, c := range g.Cases {
		t.Run(c.Name, func(t *testing.T) {
			w := ag.Param("w", tensor.FromSlice(f32s(g.Init["w"]), g.Shapes["w"]...))
			b := ag.Param("b", tensor.FromSlice(f32s(g.Init["b"]), g.Shapes["b"]...))
			params := []*ag.Var{w, b}
			var exclude func(*ag.Var) bool
			if c.ExcludeBias {
				exclude = ExcludeNames("b")
			}
			var opt Optimizer
			var err error
			switch c.Optimizer {
			case "SGD":
				opt, err = NewSGD(params, SGDConfig{LR: c.LR[0], Momentum: c.Momentum, Dampening: c.Dampening,
					Nesterov: c.Nesterov, WeightDecay: c.WeightDecay, Exclude: exclude})
			case "Adam", "AdamW":
				cfg := AdamConfig{LR: c.LR[0], Beta1: c.Betas[0], Beta2: c.Betas[1], Eps: c.Eps,
					WeightDecay: c.WeightDecay, Exclude: exclude}
				if c.Optimizer == "Adam" {
					opt, err = NewAdam(params, cfg)
				} else {
					opt, err = NewAdamW(params, cfg)
				}
			default:
				t.Fatalf("unknown optimizer %q", c.Optimizer)
			}
			if err != nil {
				t.Fatal(err)
			}
			var worst int64
			for s, want := range c.Trajectory {
				opt.ZeroGrad()
				copy(w.Grad.Data, f32s(g.Grads[s]["w"]))
				copy(b.Grad.Data, f32s(g.Grads[s]["b"]))
				opt.SetLR(c.LR[s])
				opt.Step()
				for _, p := range params {
					for i, x := range f32s(want[p.Name]) {
						d := ulps(p.Value.Data[i], x)
						worst = max(worst, d)
						if d > maxULP {
							t.Fatalf("step %d %s[%d] = %.9g, PyTorch %.9g (%d ulp)", s+1, p.Name, i, p.Value.Data[i], x, d)
						}
					}
				}
			}
			if opt.Steps() != len(c.Trajectory) {
				t.Errorf("Steps() = %d, want %d", opt.Steps(), len(c.Trajectory))
			}
			t.Logf("max distance from PyTorch: %d ulp", worst)
		})
	}
}
