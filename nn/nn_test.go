package nn

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// torchRef is testdata/torch_models.json, written by testdata/torch_models.py.
type torchRef struct {
	W1           modelDesc            `json:"w1_encoder"`
	Small        modelDesc            `json:"small"`
	InputShape   []int                `json:"input_shape"`
	Input        []float32            `json:"input"`
	OutputEval   []float32            `json:"output_eval"`
	OutputTrain  []float32            `json:"output_train"`
	RunningAfter map[string][]float32 `json:"running_after_train"`
}

type modelDesc struct {
	Names      []string `json:"names"`
	Shapes     [][]int  `json:"shapes"`
	ParamCount int      `json:"param_count"`
}

func loadRef(t *testing.T) torchRef {
	t.Helper()
	raw, err := os.ReadFile("testdata/torch_models.json")
	if err != nil {
		t.Fatal(err)
	}
	var r torchRef
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// w1Encoder is the W1 encoder: Conv(1->32,3)+ReLU+MaxPool2, Conv(32->64,3)+ReLU+MaxPool2,
// Flatten(1600), Linear(1600,128).
func w1Encoder(seed uint64) *Sequential {
	rng := tensor.NewRNG(seed)
	return NewSequential(
		Must(NewConv2d(Conv2dConfig{In: 1, Out: 32, Kernel: 3}, rng)), ReLU{}, Must(NewMaxPool2d(2, 0)),
		Must(NewConv2d(Conv2dConfig{In: 32, Out: 64, Kernel: 3}, rng)), ReLU{}, Must(NewMaxPool2d(2, 0)),
		Flatten{}, Must(NewLinear(1600, 128, true, rng)))
}

// smallModel mirrors small() of testdata/torch_models.py.
func smallModel(seed uint64) *Sequential {
	rng := tensor.NewRNG(seed)
	return NewSequential(
		Must(NewConv2d(Conv2dConfig{In: 1, Out: 4, Kernel: 3}, rng)), ReLU{}, Must(NewMaxPool2d(2, 0)),
		Must(NewConv2d(Conv2dConfig{In: 4, Out: 8, Kernel: 3, Pad: 1, NoBias: true}, rng)), Must(NewBatchNorm2d(8)), LeakyReLU{Slope: 0.1},
		Must(NewAvgPool2d(2, 1)),
		Flatten{}, Must(NewLinear(128, 16, true, rng)), Must(NewLayerNorm(16)), GELU{},
		Must(NewLinear(16, 8, true, rng)), Tanh{}, Must(NewLinear(8, 4, true, rng)), Must(NewBatchNorm1d(4)), Sigmoid{})
}

func paramNames(m Module) []string {
	var out []string
	for _, p := range m.Params() {
		out = append(out, p.Name)
	}
	return out
}

// TestTorchStructure checks parameter names, order, shapes and counts against
// PyTorch's state_dict for the same architectures.
func TestTorchStructure(t *testing.T) {
	ref := loadRef(t)
	for _, c := range []struct {
		name string
		m    Module
		want modelDesc
	}{{"w1", w1Encoder(1), ref.W1}, {"small", smallModel(1), ref.Small}} {
		t.Run(c.name, func(t *testing.T) {
			if got := ParamCount(c.m); got != c.want.ParamCount {
				t.Errorf("ParamCount = %d, PyTorch %d", got, c.want.ParamCount)
			}
			var wantParams []string
			wantShape := map[string][]int{}
			for i, n := range c.want.Names {
				wantShape[n] = c.want.Shapes[i]
				if !strings.Contains(n, "running_") && !strings.Contains(n, "num_batches") {
					wantParams = append(wantParams, n)
				}
			}
			if got := paramNames(c.m); !slices.Equal(got, wantParams) {
				t.Errorf("parameter names %v, PyTorch %v", got, wantParams)
			}
			sd, err := StateDict(c.m)
			if err != nil {
				t.Fatal(err)
			}
			if len(sd) != len(wantShape) {
				t.Errorf("state dict has %d entries, PyTorch %d", len(sd), len(wantShape))
			}
			for n, s := range wantShape {
				if sd[n] == nil || !slices.Equal(sd[n].Shape, s) {
					t.Errorf("%q: got %v, PyTorch shape %v", n, sd[n], s)
				}
			}
		})
	}
	// The brief's count for the W1 encoder.
	if got, want := ParamCount(w1Encoder(1)), 32*9+32+64*288+64+1600*128+128; got != want {
		t.Errorf("W1 encoder has %d parameters, want %d", got, want)
	}
}

func closeTo(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if d := math.Abs(float64(got[i] - want[i])); d > tol*(1+math.Abs(float64(want[i]))) || math.IsNaN(float64(got[i])) {
			t.Fatalf("%s[%d] = %.7g, want %.7g", what, i, got[i], want[i])
		}
	}
}

// TestTorchCheckpointForward loads a state dict saved by PyTorch and reproduces
// PyTorch's outputs in evaluation and in training mode, and its running-statistics
// update.
func TestTorchCheckpointForward(t *testing.T) {
	ref := loadRef(t)
	m := smallModel(99)
	meta, err := LoadModule("testdata/small.safetensors", m)
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "pt" {
		t.Errorf("metadata %v", meta)
	}
	x := ag.Const(tensor.FromSlice(ref.Input, ref.InputShape...))
	tp := ag.NewTape(false)
	m.SetTraining(false)
	closeTo(t, "eval output", m.Forward(tp, x).Data(), ref.OutputEval, 2e-5)
	m.SetTraining(true)
	closeTo(t, "train output", m.Forward(tp, x).Data(), ref.OutputTrain, 2e-5)
	sd, _ := StateDict(m)
	for name, want := range ref.RunningAfter {
		closeTo(t, name, sd[name].Raw(), want, 2e-5)
	}
	if n := sd["4.num_batches_tracked"].Item(); n != 4 {
		t.Errorf("num_batches_tracked = %v, want 4", n)
	}
}

func TestShapes(t *testing.T) {
	rng := tensor.NewRNG(3)
	cases := []struct {
		name string
		m    Module
		in   []int
		out  []int
	}{
		{"w1", w1Encoder(1), []int{2, 1, 28, 28}, []int{2, 128}},
		{"linear3d", Must(NewLinear(5, 7, true, rng)), []int{2, 3, 5}, []int{2, 3, 7}},
		{"linear-nobias", Must(NewLinear(5, 7, false, rng)), []int{4, 5}, []int{4, 7}},
		{"conv-stride-pad-groups", Must(NewConv2d(Conv2dConfig{In: 4, Out: 6, Kernel: 3, Stride: 2, Pad: 1, Groups: 2}, rng)), []int{1, 4, 9, 9}, []int{1, 6, 5, 5}},
		{"maxpool", Must(NewMaxPool2d(3, 2)), []int{1, 2, 7, 7}, []int{1, 2, 3, 3}},
		{"avgpool", Must(NewAvgPool2d(2, 0)), []int{1, 2, 6, 6}, []int{1, 2, 3, 3}},
		{"gap", GlobalAvgPool{}, []int{3, 5, 4, 4}, []int{3, 5}},
		{"bn1d-3d", Must(NewBatchNorm1d(3)), []int{4, 3, 5}, []int{4, 3, 5}},
		{"layernorm", Must(NewLayerNorm(6)), []int{2, 3, 6}, []int{2, 3, 6}},
		{"flatten", Flatten{}, []int{2, 3, 4, 5}, []int{2, 60}},
		{"dropout", Must(NewDropout(0.5, 1)), []int{3, 4}, []int{3, 4}},
		{"identity", Identity{}, []int{3}, []int{3}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tp := ag.NewTape(true)
			x := ag.Const(tensor.New(c.in...).Normal(rng, 0, 1))
			y := c.m.Forward(tp, x)
			if !slices.Equal(y.Shape(), c.out) {
				t.Fatalf("output %v, want %v", y.Shape(), c.out)
			}
		})
	}
}

// TestSequentialFusion checks that the fused Conv2d+ReLU(+MaxPool2d) path of
// Sequential gives the values and parameter gradients of running each layer on
// its own.
func TestSequentialFusion(t *testing.T) {
	m := w1Encoder(5)
	x := ag.Const(tensor.New(3, 1, 28, 28).Normal(tensor.NewRNG(4), 0, 1))
	run := func(fused bool) ([]float32, [][]float32) {
		for _, p := range m.Params() {
			p.ZeroGrad()
		}
		tp := ag.NewTape(true)
		y := x
		if fused {
			y = m.Forward(tp, x)
		} else {
			for _, l := range m.Layers() {
				y = l.Forward(tp, y)
			}
		}
		tp.Backward(tp.Sum(tp.Mul(y, y), false))
		var gs [][]float32
		for _, p := range m.Params() {
			gs = append(gs, slices.Clone(p.Grad.Data))
		}
		return slices.Clone(y.Data()), gs
	}
	y1, g1 := run(true)
	y2, g2 := run(false)
	closeTo(t, "output", y1, y2, 1e-5)
	for i := range g1 {
		closeTo(t, m.Params()[i].Name+" grad", g1[i], g2[i], 1e-4)
	}
}

// TestLinearOracle compares Linear on a 3-D input with a naive loop.
func TestLinearOracle(t *testing.T) {
	rng := tensor.NewRNG(8)
	l := Must(NewLinear(4, 3, true, rng))
	x := tensor.New(2, 5, 4).Normal(rng, 0, 1)
	y := l.Forward(ag.NewTape(false), ag.Const(x))
	w, b := l.Weight.Value, l.Bias.Value
	var want []float32
	for n := range 2 {
		for s := range 5 {
			for o := range 3 {
				acc := float64(b.At(o))
				for i := range 4 {
					acc += float64(x.At(n, s, i)) * float64(w.At(o, i))
				}
				want = append(want, float32(acc))
			}
		}
	}
	closeTo(t, "Linear", y.Data(), want, 1e-5)
}

// TestInit checks PyTorch's initialisation bounds and moments, and seeding.
func TestInit(t *testing.T) {
	check := func(name string, v *tensor.Tensor, bound float64) {
		t.Helper()
		var maxAbs, sum, sq float64
		for _, x := range v.Data {
			maxAbs = max(maxAbs, math.Abs(float64(x)))
			sum += float64(x)
			sq += float64(x) * float64(x)
		}
		n := float64(len(v.Data))
		if maxAbs > bound || maxAbs < 0.98*bound {
			t.Errorf("%s: max |x| = %v, bound %v", name, maxAbs, bound)
		}
		if mean, sd := sum/n, math.Sqrt(sq/n); math.Abs(mean) > 0.05*bound || math.Abs(sd-bound/math.Sqrt(3)) > 0.05*bound {
			t.Errorf("%s: mean %v, rms %v, want 0 and %v", name, mean, sd, bound/math.Sqrt(3))
		}
	}
	rng := tensor.NewRNG(1)
	l := Must(NewLinear(400, 50, true, rng))
	check("linear.weight", l.Weight.Value, 1/math.Sqrt(400))
	c := Must(NewConv2d(Conv2dConfig{In: 16, Out: 64, Kernel: 3, Groups: 4}, rng))
	check("conv.weight", c.Weight.Value, 1/math.Sqrt(4*9))
	big := Must(NewConv2d(Conv2dConfig{In: 16, Out: 4096, Kernel: 1}, rng))
	check("conv.bias", big.Bias.Value, 1/math.Sqrt(16))
	e := Must(NewEmbedding(100, 100, rng))
	var sq float64
	for _, x := range e.Weight.Value.Data {
		sq += float64(x) * float64(x)
	}
	if sd := math.Sqrt(sq / 1e4); math.Abs(sd-1) > 0.03 {
		t.Errorf("embedding std %v, want 1", sd)
	}
	bn := Must(NewBatchNorm2d(3))
	for _, want := range []struct {
		v    *tensor.Tensor
		fill float32
	}{{bn.Weight.Value, 1}, {bn.Bias.Value, 0}, {bn.RunningMean.Value, 0}, {bn.RunningVar.Value, 1}} {
		for _, x := range want.v.Data {
			if x != want.fill {
				t.Fatalf("BatchNorm init %v, want all %v", want.v, want.fill)
			}
		}
	}
	a, b, d := w1Encoder(11), w1Encoder(11), w1Encoder(12)
	for i, p := range a.Params() {
		if !slices.Equal(p.Value.Data, b.Params()[i].Value.Data) {
			t.Fatalf("%s differs for the same seed", p.Name)
		}
		if slices.Equal(p.Value.Data, d.Params()[i].Value.Data) {
			t.Fatalf("%s equal for different seeds", p.Name)
		}
	}
}

func TestDropoutModes(t *testing.T) {
	d := Must(NewDropout(0.25, 3))
	x := ag.Const(tensor.Full(2, 100, 100))
	tp := ag.NewTape(false)
	y := d.Forward(tp, x).Data()
	zeros := 0
	for _, v := range y {
		switch v {
		case 0:
			zeros++
		case 2 / 0.75:
		default:
			t.Fatalf("training output value %v, want 0 or %v", v, 2/0.75)
		}
	}
	if f := float64(zeros) / 1e4; math.Abs(f-0.25) > 0.02 {
		t.Errorf("dropped fraction %v, want 0.25", f)
	}
	d.SetTraining(false)
	if y := d.Forward(tp, x); y != x {
		t.Error("evaluation mode changed the input")
	}
	// Same seed, same mask.
	d1, d2 := Must(NewDropout(0.5, 9)), Must(NewDropout(0.5, 9))
	if !slices.Equal(d1.Forward(tp, x).Data(), d2.Forward(tp, x).Data()) {
		t.Error("masks differ for the same seed")
	}
}

// TestBatchNormModes checks training (batch statistics, running update) and
// evaluation (running statistics, no update) against naive loops.
func TestBatchNormModes(t *testing.T) {
	const n, c, hw = 4, 3, 5
	bn := Must(NewBatchNorm2d(c))
	rng := tensor.NewRNG(2)
	bn.Weight.Value.Uniform(rng, 0.5, 1.5)
	bn.Bias.Value.Uniform(rng, -1, 1)
	x := tensor.New(n, c, hw, 1).Normal(rng, 3, 2)
	tp := ag.NewTape(true)
	mean, vr := make([]float64, c), make([]float64, c)
	for ch := range c {
		for i := range n {
			for j := range hw {
				mean[ch] += float64(x.At(i, ch, j, 0)) / (n * hw)
			}
		}
		for i := range n {
			for j := range hw {
				d := float64(x.At(i, ch, j, 0)) - mean[ch]
				vr[ch] += d * d / (n * hw)
			}
		}
	}
	norm := func(m, v []float64) []float32 {
		var out []float32
		for i := range n {
			for ch := range c {
				for j := range hw {
					y := (float64(x.At(i, ch, j, 0))-m[ch])/math.Sqrt(v[ch]+1e-5)*float64(bn.Weight.Value.Data[ch]) + float64(bn.Bias.Value.Data[ch])
					out = append(out, float32(y))
				}
			}
		}
		return out
	}
	// Training.
	y := bn.Forward(tp, ag.Const(x))
	closeTo(t, "train output", y.Data(), norm(mean, vr), 1e-4)
	wantRM, wantRV := make([]float32, c), make([]float32, c)
	for ch := range c {
		wantRM[ch] = float32(0.1 * mean[ch])
		wantRV[ch] = float32(0.9 + 0.1*vr[ch]*n*hw/(n*hw-1))
	}
	closeTo(t, "running_mean", bn.RunningMean.Value.Data, wantRM, 1e-5)
	closeTo(t, "running_var", bn.RunningVar.Value.Data, wantRV, 1e-5)
	if bn.NumBatches.Value.Item() != 1 {
		t.Errorf("num_batches_tracked %v", bn.NumBatches.Value.Item())
	}
	// Evaluation.
	bn.SetTraining(false)
	rm, rv := make([]float64, c), make([]float64, c)
	for ch := range c {
		rm[ch], rv[ch] = float64(wantRM[ch]), float64(wantRV[ch])
	}
	y = bn.Forward(tp, ag.Const(x))
	closeTo(t, "eval output", y.Data(), norm(rm, rv), 1e-4)
	closeTo(t, "running_mean after eval", bn.RunningMean.Value.Data, wantRM, 0)
	if bn.NumBatches.Value.Item() != 1 {
		t.Errorf("num_batches_tracked changed in evaluation")
	}
	// A Sequential passes the mode down.
	s := NewSequential(Must(NewLinear(3, 3, true, rng)), Must(NewBatchNorm1d(3)))
	s.SetTraining(false)
	if !s.Layers()[1].(*BatchNorm).eval || s.Training() {
		t.Error("SetTraining(false) did not reach the BatchNorm child")
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.safetensors")
	a := smallModel(1)
	a.Forward(ag.NewTape(false), ag.Const(tensor.New(4, 1, 12, 12).Normal(tensor.NewRNG(1), 1, 2))) // move running stats
	if err := SaveModule(path, a, map[string]string{"arch": "small"}); err != nil {
		t.Fatal(err)
	}
	b := smallModel(2)
	meta, err := LoadModule(path, b)
	if err != nil {
		t.Fatal(err)
	}
	if meta["arch"] != "small" {
		t.Errorf("metadata %v", meta)
	}
	sa, _ := StateDict(a)
	sb, _ := StateDict(b)
	for name, v := range sa {
		if !slices.Equal(v.Data, sb[name].Data) {
			t.Errorf("%q differs after load", name)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w1.safetensors")
	if err := SaveModule(path, w1Encoder(1), nil); err != nil {
		t.Fatal(err)
	}
	rng := tensor.NewRNG(1)
	other := NewSequential(
		Must(NewConv2d(Conv2dConfig{In: 1, Out: 32, Kernel: 3}, rng)), ReLU{}, Must(NewMaxPool2d(2, 0)),
		Must(NewConv2d(Conv2dConfig{In: 32, Out: 64, Kernel: 3}, rng)), ReLU{}, Must(NewMaxPool2d(2, 0)),
		Flatten{}, Must(NewLinear(1600, 64, true, rng)))
	fewer := NewSequential(Must(NewConv2d(Conv2dConfig{In: 1, Out: 32, Kernel: 3}, rng)))
	more := NewSequential(w1Encoder(1), Must(NewLinear(128, 2, true, rng)))
	cases := []struct {
		name string
		m    Module
		want []string
	}{
		{"shape", other, []string{`"7.weight"`, "[128 1600]", "[64 1600]", `"7.bias"`}},
		{"unexpected", fewer, []string{"unexpected", `"3.weight"`}},
		{"missing", more, []string{"missing", `"0.0.weight"`}},
	}
	poisoned := w1Encoder(1)
	poisoned.Params()[2].Value.Data[5] = float32(math.NaN())
	nanPath := filepath.Join(dir, "nan.safetensors")
	if err := SaveModule(nanPath, poisoned, nil); err != nil {
		t.Fatal(err)
	}
	t.Run("nan", func(t *testing.T) {
		_, err := LoadModule(nanPath, w1Encoder(1))
		if err == nil || !strings.Contains(err.Error(), poisoned.Params()[2].Name+`" holds NaN at index 5`) || !strings.Contains(err.Error(), nanPath) {
			t.Fatalf("error %v, want the NaN named with its tensor, index and file", err)
		}
	})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before, _ := StateDict(c.m)
			snap := map[string][]float32{}
			for k, v := range before {
				snap[k] = slices.Clone(v.Data)
			}
			_, err := LoadModule(path, c.m)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %s", err, w)
				}
			}
			for k, v := range before {
				if !slices.Equal(v.Data, snap[k]) {
					t.Fatalf("failed load modified %q", k)
				}
			}
		})
	}
	if _, err := LoadModule(filepath.Join(dir, "absent"), w1Encoder(1)); err == nil {
		t.Error("loading a missing file succeeded")
	}
}

func TestCopyParamsAndEMA(t *testing.T) {
	online, target := smallModel(1), Prefix("target", smallModel(2))
	if err := CopyParams(target, online); err != nil {
		t.Fatal(err)
	}
	for i, p := range target.Params() {
		if !slices.Equal(p.Value.Data, online.Params()[i].Value.Data) {
			t.Fatalf("%s not copied", p.Name)
		}
	}
	// Move the online network, then EMA: target = m·target + (1-m)·online.
	old := map[string][]float32{}
	for _, p := range target.Params() {
		old[p.Name] = slices.Clone(p.Value.Data)
	}
	for _, p := range online.Params() {
		p.Value.Normal(tensor.NewRNG(5), 0, 1)
	}
	const m = 0.9
	if err := EMA(target, online, m); err != nil {
		t.Fatal(err)
	}
	for i, p := range target.Params() {
		for j, got := range p.Value.Data {
			want := m*float64(old[p.Name][j]) + (1-m)*float64(online.Params()[i].Value.Data[j])
			if math.Abs(float64(got)-want) > 1e-6 {
				t.Fatalf("%s[%d] = %v, want %v", p.Name, j, got, want)
			}
		}
	}
	if !strings.HasPrefix(target.Params()[0].Name, "target.0.") {
		t.Errorf("prefixed name %q", target.Params()[0].Name)
	}
	if err := EMA(target, online, 1.5); err == nil {
		t.Error("momentum 1.5 accepted")
	}
	if err := EMA(w1Encoder(1), online, 0.5); err == nil {
		t.Error("EMA across architectures accepted")
	}
	if err := CopyParams(w1Encoder(1), online); err == nil {
		t.Error("CopyParams across architectures accepted")
	}
}

func TestEmbedding(t *testing.T) {
	e := Must(NewEmbedding(10, 3, tensor.NewRNG(1)))
	ids := []float32{1, 7, 7, 0, 9, 2}
	y := e.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(ids, 2, 3)))
	if !slices.Equal(y.Shape(), []int{2, 3, 3}) {
		t.Fatalf("shape %v", y.Shape())
	}
	for i, id := range ids {
		row := e.Weight.Value.Data[int(id)*3 : int(id)*3+3]
		if !slices.Equal(y.Data()[i*3:i*3+3], row) {
			t.Fatalf("row %d is not table row %v", i, id)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("a fractional id did not panic")
		}
	}()
	e.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice([]float32{1.5}, 1)))
}

func TestActivations(t *testing.T) {
	xs := []float32{-2, -0.5, 0, 0.3, 3}
	oracle := map[Activation]func(float64) float64{
		ActReLU:      func(x float64) float64 { return math.Max(x, 0) },
		ActLeakyReLU: func(x float64) float64 { return math.Max(x, 0.01*x) },
		ActGELU:      func(x float64) float64 { return x * 0.5 * (1 + math.Erf(x/math.Sqrt2)) },
		ActTanh:      math.Tanh,
		ActSigmoid:   func(x float64) float64 { return 1 / (1 + math.Exp(-x)) },
		ActIdentity:  func(x float64) float64 { return x },
	}
	for a, f := range oracle {
		t.Run(a.String(), func(t *testing.T) {
			m, err := NewActivation(a)
			if err != nil {
				t.Fatal(err)
			}
			y := m.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(slices.Clone(xs), 5)))
			want := make([]float32, len(xs))
			for i, x := range xs {
				want[i] = float32(f(float64(x)))
			}
			closeTo(t, a.String(), y.Data(), want, 1e-6)
		})
	}
	if _, err := NewActivation(Activation(42)); err == nil {
		t.Error("unknown activation accepted")
	}
}

func TestConstructorErrors(t *testing.T) {
	rng := tensor.NewRNG(1)
	cases := map[string]error{
		"linear in":      second(NewLinear(0, 3, true, rng)),
		"conv kernel":    second(NewConv2d(Conv2dConfig{In: 1, Out: 1}, rng)),
		"conv groups":    second(NewConv2d(Conv2dConfig{In: 3, Out: 4, Kernel: 1, Groups: 2}, rng)),
		"conv pad":       second(NewConv2d(Conv2dConfig{In: 1, Out: 1, Kernel: 1, Pad: -1}, rng)),
		"maxpool":        second(NewMaxPool2d(0, 0)),
		"avgpool stride": second(NewAvgPool2d(2, -1)),
		"bn channels":    second(NewBatchNorm1d(0)),
		"bn momentum":    second(NewBatchNorm(BatchNormConfig{Channels: 2, Momentum: 2})),
		"layernorm":      second(NewLayerNorm(-1)),
		"embedding":      second(NewEmbedding(5, 0, rng)),
		"dropout":        second(NewDropout(1.5, 0)),
		"dropout nan":    second(NewDropout(float32(math.NaN()), 0)),
	}
	dup := NewSequential()
	Add(&dup.Tree, "x", Must(NewLinear(1, 1, true, rng)))
	Add(&dup.Tree, "x", Must(NewLinear(1, 1, true, rng)))
	cases["duplicate names"] = second(StateDict(dup))
	dupe := Must(NewLinear(2, 2, true, rng))
	dupe.Bias.Name = "weight"
	cases["same name twice"] = second(StateDict(dupe))
	for name, err := range cases {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestTreeComposite(t *testing.T) {
	rng := tensor.NewRNG(1)
	b := &block{}
	b.conv = Add(&b.Tree, "conv1", Must(NewConv2d(Conv2dConfig{In: 2, Out: 2, Kernel: 3, Pad: 1, NoBias: true}, rng)))
	b.bn = Add(&b.Tree, "bn1", Must(NewBatchNorm2d(2)))
	Prefix("layer1.0", b)
	want := []string{"layer1.0.conv1.weight", "layer1.0.bn1.weight", "layer1.0.bn1.bias"}
	if got := paramNames(b); !slices.Equal(got, want) {
		t.Errorf("names %v, want %v", got, want)
	}
	sd, _ := StateDict(b)
	if sd["layer1.0.bn1.running_var"] == nil {
		t.Errorf("buffers %v", sd)
	}
	b.SetTraining(false)
	if !b.bn.eval {
		t.Error("mode not propagated")
	}
	if len(b.Children()) != 2 {
		t.Errorf("%d children", len(b.Children()))
	}
	y := b.Forward(ag.NewTape(false), ag.Const(tensor.New(1, 2, 4, 4)))
	if !slices.Equal(y.Shape(), []int{1, 2, 4, 4}) {
		t.Errorf("block output %v", y.Shape())
	}
}

// block is a user-defined composite with named children, as a ResNet block is.
type block struct {
	Tree
	conv *Conv2d
	bn   *BatchNorm
}

func (b *block) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	return t.ReLU(t.Add(x, b.bn.Forward(t, b.conv.Forward(t, x))))
}
