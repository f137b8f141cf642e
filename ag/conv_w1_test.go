package ag

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// w1Shapes are the parameters of the W1 network (see /work/shared/bench/README.md)
// in PyTorch's order and layout.
var w1Shapes = []struct {
	name  string
	shape []int
}{
	{"conv1.weight", []int{32, 1, 3, 3}}, {"conv1.bias", []int{32}},
	{"conv2.weight", []int{64, 32, 3, 3}}, {"conv2.bias", []int{64}},
	{"fc1.weight", []int{128, 1600}}, {"fc1.bias", []int{128}},
	{"fc2.weight", []int{128, 128}}, {"fc2.bias", []int{128}},
	{"fc3.weight", []int{64, 128}}, {"fc3.bias", []int{64}},
}

// w1Net is the W1 encoder and projection head:
// Conv(1->32,3x3)+ReLU+MaxPool2 -> Conv(32->64,3x3)+ReLU+MaxPool2 -> Flatten(1600)
// -> Linear(1600,128)+ReLU -> Linear(128,128)+ReLU -> Linear(128,64).
type w1Net struct{ p []*Var }

// newW1Net makes the parameters with PyTorch's default initialisation bounds.
func newW1Net(seed uint64) *w1Net {
	rng := tensor.NewRNG(seed)
	m := &w1Net{}
	for i, s := range w1Shapes {
		fan := tensor.Numel(w1Shapes[i&^1].shape[1:])
		m.p = append(m.p, Param(s.name, tensor.New(s.shape...).KaimingUniform(rng, fan)))
	}
	return m
}

// forward runs the network on x (N, 1, 28, 28); fused selects Conv2dFused for
// conv+ReLU+max-pool instead of three separate ops.
func (m *w1Net) forward(tp *Tape, x *Var, fused bool) *Var {
	p := m.p
	var h *Var
	if fused {
		f := ConvFuse{ReLU: true, PoolK: 2}
		h = tp.Conv2dFused(x, p[0], p[1], 1, 0, 1, f)
		h = tp.Conv2dFused(h, p[2], p[3], 1, 0, 1, f)
	} else {
		h = tp.MaxPool2d(tp.ReLU(tp.Conv2d(x, p[0], p[1], 1, 0, 1)), 2, 2)
		h = tp.MaxPool2d(tp.ReLU(tp.Conv2d(h, p[2], p[3], 1, 0, 1)), 2, 2)
	}
	h = tp.Flatten(h)
	h = tp.ReLU(tp.Linear(h, p[4], p[5]))
	h = tp.ReLU(tp.Linear(h, p[6], p[7]))
	return tp.Linear(h, p[8], p[9])
}

// fmix32 is MurmurHash3's 32-bit finaliser, as testdata/w1_golden.py has it.
func fmix32(x uint32) uint32 {
	x ^= x >> 16
	x *= 0x85ebca6b
	x ^= x >> 13
	x *= 0xc2b2ae35
	x ^= x >> 16
	return x
}

// goldenValues reproduces w1_golden.py's parameter formula bit for bit.
func goldenValues(n, salt int, scale float64) []float32 {
	v := make([]float32, n)
	for i := range v {
		h := fmix32(uint32(i+salt*1000003)) % 65521
		v[i] = float32((2*float64(h)/65520 - 1) * scale)
	}
	return v
}

type w1Golden struct {
	Batch  int       `json:"batch"`
	Input  []float32 `json:"input"`
	LW     []float32 `json:"lw"`
	Output []float64 `json:"output"`
	Loss   float64   `json:"loss"`
	Params []struct {
		Name      string    `json:"name"`
		Shape     []int     `json:"shape"`
		Salt      int       `json:"salt"`
		Scale     float64   `json:"scale"`
		Sum       float64   `json:"sum"`
		Grad      []float64 `json:"grad"`
		GradStep  int       `json:"grad_stride"`
		GradSum   float64   `json:"grad_sum"`
		GradSumSq float64   `json:"grad_sumsq"`
	} `json:"params"`
}

// closeTo64 compares got with want to within tol of the larger of |want| and the
// typical magnitude scale of the tensor.
func closeTo64(got, want, scale, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), scale)
}

// TestW1Golden runs the W1 network on PyTorch's golden inputs and compares the
// output, the loss and every parameter gradient, through both the separate ops
// and the fused convolution.
func TestW1Golden(t *testing.T) {
	raw, err := os.ReadFile("testdata/w1_golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var gd w1Golden
	if err := json.Unmarshal(raw, &gd); err != nil {
		t.Fatal(err)
	}
	if len(gd.Params) != len(w1Shapes) {
		t.Fatalf("%d golden parameters, want %d", len(gd.Params), len(w1Shapes))
	}
	const tol = 1e-5
	for _, fused := range []bool{false, true} {
		name := "separate"
		if fused {
			name = "fused"
		}
		t.Run(name, func(t *testing.T) {
			m := &w1Net{}
			for i, p := range gd.Params {
				if p.Name != w1Shapes[i].name {
					t.Fatalf("golden parameter %d is %s, want %s", i, p.Name, w1Shapes[i].name)
				}
				v := goldenValues(tensor.Numel(p.Shape), p.Salt, p.Scale)
				var s float64
				for _, e := range v {
					s += float64(e)
				}
				if !closeTo64(s, p.Sum, 1, 1e-9) {
					t.Fatalf("%s: formula sums to %v, PyTorch's to %v", p.Name, s, p.Sum)
				}
				m.p = append(m.p, Param(p.Name, tensor.FromSlice(v, p.Shape...)))
			}
			tp := NewTape(true)
			x := Const(tensor.FromSlice(gd.Input, gd.Batch, 1, 28, 28))
			out := m.forward(tp, x, fused)
			scale := maxAbs(gd.Output)
			var loss float64
			for i, v := range out.Value.Data {
				if !closeTo64(float64(v), gd.Output[i], scale, tol) {
					t.Fatalf("output[%d] = %v, want %v", i, v, gd.Output[i])
				}
				loss += float64(v) * float64(gd.LW[i])
			}
			if !closeTo64(loss, gd.Loss, 1, tol) {
				t.Fatalf("loss %v, want %v", loss, gd.Loss)
			}
			tp.BackwardWith(out, gd.LW)
			for i, p := range gd.Params {
				g := m.p[i].Grad.Data
				step := max(p.GradStep, 1)
				gs := maxAbs(p.Grad)
				for j, want := range p.Grad {
					if got := float64(g[j*step]); !closeTo64(got, want, gs, tol) {
						t.Fatalf("d%s[%d] = %v, want %v", p.Name, j*step, got, want)
					}
				}
				var s, sq float64
				for _, v := range g {
					s += float64(v)
					sq += float64(v) * float64(v)
				}
				if !closeTo64(s, p.GradSum, math.Sqrt(p.GradSumSq), tol) || !closeTo64(sq, p.GradSumSq, 0, tol) {
					t.Fatalf("d%s: sum %v sumsq %v, want %v %v", p.Name, s, sq, p.GradSum, p.GradSumSq)
				}
			}
		})
	}
}

func maxAbs(v []float64) float64 {
	m := 0.0
	for _, e := range v {
		m = math.Max(m, math.Abs(e))
	}
	return m
}
