package optim

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

func snapshot(ps []*ag.Var) [][]float32 {
	out := make([][]float32, len(ps))
	for i, p := range ps {
		out[i] = append([]float32(nil), p.Value.Data...)
	}
	return out
}

func sameBits(t *testing.T, what string, got, want [][]float32) {
	t.Helper()
	for i := range want {
		for j := range want[i] {
			if math.Float32bits(got[i][j]) != math.Float32bits(want[i][j]) {
				t.Fatalf("%s: param %d [%d] = %v, want %v", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

// TestResumeBitExact runs 6 steps straight, and 3 steps, a save of the optimizer
// state and the parameters, a fresh optimizer that loads them, and 3 more: the
// parameters must agree bit for bit.
func TestResumeBitExact(t *testing.T) {
	for _, c := range optCases() {
		t.Run(c.name, func(t *testing.T) {
			run := func(opt Optimizer, ps []*ag.Var, from, to int) {
				for s := from; s < to; s++ {
					setGrads(ps, s)
					opt.SetLR(0.01 * float64(1+s%3))
					opt.Step()
				}
			}
			ps := testParams(2, true)
			opt, err := c.make(ps)
			if err != nil {
				t.Fatal(err)
			}
			run(opt, ps, 0, 6)
			want := snapshot(ps)

			ps1 := testParams(2, true)
			opt1, _ := c.make(ps1)
			run(opt1, ps1, 0, 3)
			state := opt1.State()
			// Mutating the returned state must not touch the optimizer.
			for _, v := range state {
				v.Fill(42)
			}
			state = opt1.State()
			saved := snapshot(ps1)

			ps2 := testParams(99, true) // different initial values, overwritten below
			for i, p := range ps2 {
				copy(p.Value.Data, saved[i])
			}
			opt2, _ := c.make(ps2)
			if err := opt2.LoadState(state); err != nil {
				t.Fatal(err)
			}
			if opt2.Steps() != 3 {
				t.Fatalf("Steps after load = %d, want 3", opt2.Steps())
			}
			run(opt2, ps2, 3, 6)
			sameBits(t, "resumed", snapshot(ps2), want)
		})
	}
}

func TestLoadStateErrors(t *testing.T) {
	ps := testParams(3, false)
	opt, err := NewAdam(ps, DefaultAdam())
	if err != nil {
		t.Fatal(err)
	}
	good := opt.State()
	edit := func(f func(m map[string]*tensor.Tensor)) map[string]*tensor.Tensor {
		m := make(map[string]*tensor.Tensor, len(good))
		for k, v := range good {
			m[k] = v.Clone()
		}
		f(m)
		return m
	}
	cases := []struct {
		name, want string
		state      map[string]*tensor.Tensor
	}{
		{"missing step", StepKey, edit(func(m map[string]*tensor.Tensor) { delete(m, StepKey) })},
		{"bad step", "invalid step", edit(func(m map[string]*tensor.Tensor) { m[StepKey] = tensor.FromSlice([]float32{0, 0.5}, 2) })},
		{"missing buffer", `missing "layer.bias.exp_avg_sq"`, edit(func(m map[string]*tensor.Tensor) { delete(m, "layer.bias.exp_avg_sq") })},
		{"shape", "shape [5]", edit(func(m map[string]*tensor.Tensor) { m["layer.bias.exp_avg"] = tensor.New(5) })},
		{"unknown", `unknown key "other.exp_avg"`, edit(func(m map[string]*tensor.Tensor) { m["other.exp_avg"] = tensor.New(1) })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := opt.State()
			err := opt.LoadState(c.state)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
			for k, v := range opt.State() {
				if !tensorsEqual(v, before[k]) {
					t.Fatalf("failed load changed %q", k)
				}
			}
		})
	}
	if err := opt.LoadState(good); err != nil {
		t.Fatalf("valid state: %v", err)
	}
}

func tensorsEqual(a, b *tensor.Tensor) bool {
	if !tensor.SameShape(a, b) {
		return false
	}
	for i := range a.Data {
		if math.Float32bits(a.Data[i]) != math.Float32bits(b.Data[i]) {
			return false
		}
	}
	return true
}

func TestStepEncoding(t *testing.T) {
	for _, s := range []int{0, 1, 1<<24 - 1, 1 << 24, 123456789012} {
		got, err := DecodeStep(EncodeStep(s))
		if err != nil || got != s {
			t.Errorf("round trip %d: got %d, %v", s, got, err)
		}
	}
}

func TestConstructorErrors(t *testing.T) {
	ps := testParams(4, false)
	dup := []*ag.Var{ps[0], ag.Param("layer.weight", tensor.New(2))}
	notParam := []*ag.Var{ag.Const(tensor.New(2))}
	adamWith := func(f func(*AdamConfig)) AdamConfig { c := DefaultAdam(); f(&c); return c }
	cases := []struct {
		name, want string
		err        error
	}{
		{"no params", "no parameters", second(NewSGD(nil, SGDConfig{LR: 1}))},
		{"duplicate", "twice", second(NewSGD(dup, SGDConfig{LR: 1}))},
		{"const", "not a parameter", second(NewSGD(notParam, SGDConfig{LR: 1}))},
		{"negative lr", "learning rate", second(NewSGD(ps, SGDConfig{LR: -1}))},
		{"nan lr", "learning rate", second(NewAdam(ps, adamWith(func(c *AdamConfig) { c.LR = math.NaN() })))},
		{"momentum", "momentum", second(NewSGD(ps, SGDConfig{LR: 1, Momentum: -0.1}))},
		{"nesterov no momentum", "Nesterov", second(NewSGD(ps, SGDConfig{LR: 1, Nesterov: true}))},
		{"nesterov dampening", "Nesterov", second(NewSGD(ps, SGDConfig{LR: 1, Momentum: 0.9, Dampening: 0.1, Nesterov: true}))},
		{"beta1", "beta1", second(NewAdam(ps, adamWith(func(c *AdamConfig) { c.Beta1 = 1 })))},
		{"beta2", "beta2", second(NewAdamW(ps, adamWith(func(c *AdamConfig) { c.Beta2 = -0.5 })))},
		{"eps", "eps", second(NewAdam(ps, adamWith(func(c *AdamConfig) { c.Eps = -1 })))},
		{"adam wd", "weight decay", second(NewAdamW(ps, adamWith(func(c *AdamConfig) { c.WeightDecay = -1 })))},
		{"lars trust", "trust", second(NewLARS(ps, LARSConfig{LR: 1, TrustCoef: -1}))},
		{"lars wd", "weight decay", second(NewLARS(ps, LARSConfig{LR: 1, WeightDecay: math.Inf(1)}))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", c.err, c.want)
			}
		})
	}
}

func second[T any](_ T, err error) error { return err }

// TestStepAllocs checks that Step allocates nothing once warm, serial and parallel.
func TestStepAllocs(t *testing.T) {
	for _, c := range optCases() {
		for _, big := range []bool{false, true} {
			ps := testParams(5, big)
			opt, err := c.make(ps)
			if err != nil {
				t.Fatal(err)
			}
			setGrads(ps, 0)
			opt.Step()
			if n := testing.AllocsPerRun(20, opt.Step); n != 0 {
				t.Errorf("%s big=%v: Step allocates %v times", c.name, big, n)
			}
		}
	}
}

// TestDeterministicAcrossProcs checks that the parallel path gives the same bits
// as the serial one (chunking never depends on the core count).
func TestDeterministicAcrossProcs(t *testing.T) {
	for _, c := range optCases() {
		t.Run(c.name, func(t *testing.T) {
			var res [2][][]float32
			for k, procs := range []int{1, 4} {
				old := runtime.GOMAXPROCS(procs)
				ps := testParams(6, true)
				opt, _ := c.make(ps)
				for s := range 3 {
					setGrads(ps, s)
					opt.Step()
				}
				runtime.GOMAXPROCS(old)
				res[k] = snapshot(ps)
			}
			sameBits(t, "GOMAXPROCS 4 vs 1", res[1], res[0])
		})
	}
}

func TestZeroGrad(t *testing.T) {
	ps := testParams(7, false)
	opt, _ := NewSGD(ps, SGDConfig{LR: 1})
	setGrads(ps, 0)
	opt.ZeroGrad()
	for _, p := range ps {
		for _, g := range p.Grad.Data {
			if g != 0 {
				t.Fatalf("%s: gradient %v after ZeroGrad", p.Name, g)
			}
		}
	}
}

// TestLARSTrustRatio checks one hand-computed LARS step: w = (3, 4), ||w|| = 5;
// g = (0.6, 0.8), ||g|| = 1; trust = 0.001·5/1 = 0.005; with lr 2 and no momentum
// history, w' = w - 2·0.005·g = (2.994, 3.992). The bias (excluded) moves by lr·g.
func TestLARSTrustRatio(t *testing.T) {
	w := ag.Param("w", tensor.FromSlice([]float32{3, 4}, 1, 2))
	b := ag.Param("b", tensor.FromSlice([]float32{1}, 1))
	copy(w.Grad.Data, []float32{0.6, 0.8})
	b.Grad.Data[0] = 0.5
	opt, err := NewLARS([]*ag.Var{w, b}, LARSConfig{LR: 2, Momentum: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	opt.Step()
	want := []float32{2.994, 3.992, 0}
	got := []float32{w.Value.Data[0], w.Value.Data[1], b.Value.Data[0]}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-6 {
			t.Fatalf("after one step %v, want %v", got, want)
		}
	}
}
