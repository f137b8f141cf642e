package loss

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/miner"
	"github.com/contrast-ml/contrast/tensor"
)

// goldenCase is one entry of testdata/golden.json, made by testdata/golden.py with PyTorch.
type goldenCase struct {
	Inputs  [][]float32 `json:"inputs"`
	Shapes  [][]int     `json:"shapes"`
	Loss    float64     `json:"loss"`
	Grads   [][]float32 `json:"grads"`
	Labels  []int       `json:"labels"`
	Similar []float32   `json:"similar"`
}

func loadGolden(t *testing.T) map[string]goldenCase {
	t.Helper()
	b, err := os.ReadFile("testdata/golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var g map[string]goldenCase
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGoldenPyTorch(t *testing.T) {
	g := loadGolden(t)
	ntx := func(temp float32, budget int) func(tp *ag.Tape, x []*ag.Var, c goldenCase) *ag.Var {
		return func(tp *ag.Tape, x []*ag.Var, _ goldenCase) *ag.Var {
			l, err := NewNTXent(temp)
			if err != nil {
				t.Fatal(err)
			}
			l.Budget = budget
			return l.Forward(tp, x[0])
		}
	}
	cases := []struct {
		name, key string
		f         func(tp *ag.Tape, x []*ag.Var, c goldenCase) *ag.Var
	}{
		{"ntxent T=0.5", "ntxent_t0.5", ntx(0.5, 0)},
		{"ntxent T=0.1", "ntxent_t0.1", ntx(0.1, 0)},
		{"ntxent T=0.5 chunked", "ntxent_t0.5", ntx(0.5, 4*12*5)}, // 5 rows per chunk
		{"supcon", "supcon_t0.2", func(tp *ag.Tape, x []*ag.Var, c goldenCase) *ag.Var {
			l, _ := NewSupCon(0.2)
			return l.Forward(tp, x[0], c.Labels)
		}},
		{"batch-hard triplet", "batchhard_m0.2", func(tp *ag.Tape, x []*ag.Var, c goldenCase) *ag.Var {
			l, _ := NewTriplet(0.2, false, distance.Euclidean{}, miner.BatchHard{}, Mean)
			return l.Forward(tp, tp.L2Normalize(x[0], 1e-12), c.Labels)
		}},
		{"contrastive", "contrastive_m1", func(tp *ag.Tape, x []*ag.Var, c goldenCase) *ag.Var {
			l, _ := NewContrastive(1, distance.Euclidean{}, Mean)
			sim := make([]bool, len(c.Similar))
			for i, v := range c.Similar {
				sim[i] = v == 1
			}
			return l.ForwardPairs(tp, x[0], x[1], sim)
		}},
		{"negative cosine", "negcosine", func(tp *ag.Tape, x []*ag.Var, _ goldenCase) *ag.Var {
			return NegCosine{}.Forward(tp, x[0], x[1])
		}},
		{"barlow twins", "barlow_l0.005", func(tp *ag.Tape, x []*ag.Var, _ goldenCase) *ag.Var {
			l, _ := NewBarlowTwins(0.005)
			return l.Forward(tp, x[0], x[1])
		}},
		{"vicreg", "vicreg_25_25_1", func(tp *ag.Tape, x []*ag.Var, _ goldenCase) *ag.Var {
			l, _ := NewVICReg(25, 25, 1)
			return l.Forward(tp, x[0], x[1])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, ok := g[tc.key]
			if !ok {
				t.Fatalf("golden case %q missing", tc.key)
			}
			xs := make([]*ag.Var, len(c.Inputs))
			for i := range c.Inputs {
				xs[i] = ag.Param("x", tensor.FromSlice(append([]float32(nil), c.Inputs[i]...), c.Shapes[i]...))
			}
			tp := ag.NewTape(true)
			l := tc.f(tp, xs, c)
			if got := float64(l.Item()); math.Abs(got-c.Loss) > 1e-4*math.Max(1, math.Abs(c.Loss)) {
				t.Errorf("loss %.7g, PyTorch %.7g", got, c.Loss)
			}
			tp.Backward(l)
			for i, x := range xs {
				for j, want := range c.Grads[i] {
					if got := x.Grad.Data[j]; math.Abs(float64(got-want)) > 1e-4*math.Max(1, math.Abs(float64(want))) {
						t.Fatalf("grad input %d [%d]: %.7g, PyTorch %.7g", i, j, got, want)
					}
				}
			}
		})
	}
}
