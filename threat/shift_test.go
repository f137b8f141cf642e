package threat

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/tensor"
)

// naiveShifted is the oracle of shiftedContrast, in float64 loops.
func naiveShifted(h []float64, n, m, d int, temp float64) float64 {
	row := func(i int) []float64 { return h[i*d : (i+1)*d] }
	d2 := func(a, b []float64) float64 {
		var s float64
		for c := range a {
			s += (a[c] - b[c]) * (a[c] - b[c])
		}
		return s
	}
	var loss float64
	for i := range n {
		a := row(i)
		logits := []float64{-math.Log(d2(a, row(n+i))+shiftEps) / temp}
		for j := range m {
			logits = append(logits, -math.Log(d2(a, row(2*n+i*m+j))+shiftEps)/temp)
		}
		mx := math.Inf(-1)
		for _, l := range logits {
			mx = max(mx, l)
		}
		var z float64
		for _, l := range logits {
			z += math.Exp(l - mx)
		}
		loss += mx + math.Log(z) - logits[0]
	}
	return loss / float64(n)
}

func randomRows(rng *rand.Rand, rows, d int) *tensor.Tensor {
	x := tensor.New(rows, d)
	for i := range x.Data {
		x.Data[i] = float32(rng.NormFloat64())
	}
	return x
}

// TestShiftedContrast checks the loss against the float64 loop and its
// gradient against central finite differences of that loop.
func TestShiftedContrast(t *testing.T) {
	for _, c := range []struct {
		n, m, d int
		temp    float64
	}{{1, 1, 1, 1}, {3, 4, 5, 0.5}, {8, 2, 16, 0.1}} {
		rng := rand.New(rand.NewPCG(uint64(c.n*100+c.m), 2))
		x := randomRows(rng, c.n*(2+c.m), c.d)
		h := ag.Param("h", x)
		tape := ag.NewTape(true)
		loss := shiftedContrast(tape, h, c.n, c.m, float32(c.temp))
		f64 := make([]float64, len(x.Data))
		for i, v := range x.Data {
			f64[i] = float64(v)
		}
		want := naiveShifted(f64, c.n, c.m, c.d, c.temp)
		if got := float64(loss.Item()); math.Abs(got-want) > 1e-4*(1+math.Abs(want)) {
			t.Errorf("%+v: loss %v, naive %v", c, got, want)
		}
		tape.Backward(loss)
		const eps = 1e-4
		for i := range f64 {
			keep := f64[i]
			f64[i] = keep + eps
			up := naiveShifted(f64, c.n, c.m, c.d, c.temp)
			f64[i] = keep - eps
			down := naiveShifted(f64, c.n, c.m, c.d, c.temp)
			f64[i] = keep
			fd := (up - down) / (2 * eps)
			if g := float64(h.Grad.Data[i]); math.Abs(g-fd) > 2e-3*(1+math.Abs(fd)) {
				t.Errorf("%+v: d loss / d h[%d] = %v, finite differences %v", c, i, g, fd)
			}
		}
	}
}

// TestShiftedContrastScaleFree: the logits depend on ratios of distances,
// so scaling h leaves the loss unchanged (up to eps).
func TestShiftedContrastScaleFree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	x := randomRows(rng, 5*(2+3), 6)
	tape := ag.NewTape(false)
	base := shiftedContrast(tape, ag.Const(x), 5, 3, 0.5).Item()
	scaled := x.Clone()
	for i := range scaled.Data {
		scaled.Data[i] *= 7
	}
	if got := shiftedContrast(tape, ag.Const(scaled), 5, 3, 0.5).Item(); math.Abs(float64(got-base)) > 1e-4 {
		t.Errorf("loss %v after scaling by 7, %v before", got, base)
	}
}

func TestShiftedContrastPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic on 9 rows for n 2, m 2")
		}
	}()
	shiftedContrast(ag.NewTape(false), ag.Const(tensor.New(9, 2)), 2, 2, 1)
}

// TestShiftedViews: the anchors are the records, the positive has exactly
// round(rate·w) features redrawn and every negative round(negRate·w), when
// no marginal value equals a record's.
func TestShiftedViews(t *testing.T) {
	const w, n, m = 10, 4, 3
	x := make([]float32, 6*w) // records: values 0..59
	for i := range x {
		x[i] = float32(i)
	}
	pool := make([]float32, 5*w) // marginals: values >= 1000
	for i := range pool {
		pool[i] = 1000 + float32(i)
	}
	marg, err := augment.FitMarginals(pool, 5, w)
	if err != nil {
		t.Fatal(err)
	}
	light, _ := augment.NewSCARF(marg, 0.2)
	heavy, _ := augment.NewSCARF(marg, 0.5)
	idx := []int{5, 0, 3, 3}
	v := shiftedViews(x, w, idx, m, light, heavy, rand.New(rand.NewPCG(1, 1)))
	if got := v.Shape; len(got) != 2 || got[0] != n*(2+m) || got[1] != w {
		t.Fatalf("shape %v, want [%d %d]", got, n*(2+m), w)
	}
	changed := func(row, rec int) int {
		c := 0
		for j := range w {
			if got := v.Data[row*w+j]; got != x[rec*w+j] {
				if got < 1000 {
					t.Errorf("row %d feature %d: %v is neither the record's nor a marginal draw", row, j, got)
				}
				c++
			}
		}
		return c
	}
	for i, r := range idx {
		if c := changed(i, r); c != 0 {
			t.Errorf("anchor %d: %d features changed", i, c)
		}
		if c := changed(n+i, r); c != 2 {
			t.Errorf("positive %d: %d features changed, want 2", i, c)
		}
		for j := range m {
			if c := changed(2*n+i*m+j, r); c != 5 {
				t.Errorf("negative %d of %d: %d features changed, want 5", j, i, c)
			}
		}
	}
}

// TestShiftedStageLearns trains a small encoder on records whose four
// features are linear in two latent values, with one feature redrawn in the
// positive and four in each negative: the loss over all records, on fixed
// corruptions, falls by a quarter.
func TestShiftedStageLearns(t *testing.T) {
	const rows, w = 512, 8
	rng := rand.New(rand.NewPCG(4, 4))
	x := make([]float32, rows*w)
	for i := range rows {
		a, b := rng.NormFloat64(), rng.NormFloat64()
		copy(x[i*w:], []float32{float32(a), float32(b), float32(a + b), float32(a - b),
			float32(2*a + b), float32(a - 2*b), float32(3 * a), float32(-b)})
	}
	all := make([]int, rows)
	for i := range all {
		all[i] = i
	}
	marg, err := augment.FitMarginals(x, rows, w)
	if err != nil {
		t.Fatal(err)
	}
	enc, err := NewEncoder(EncoderSpec{Numeric: w, Hidden: []int{32}, Dim: 8, Norm: NormNone}, rng)
	if err != nil {
		t.Fatal(err)
	}
	cfg := NoveltyConfig{Method: NoveltyShifted, Epochs: 40, Rate: 0.125, Negatives: 4, NegRate: 0.5, Temperature: 0.5, LR: 3e-3}
	light, _ := augment.NewSCARF(marg, cfg.Rate)
	heavy, _ := augment.NewSCARF(marg, cfg.NegRate)
	// The loss over every record with the same corruptions, before and after.
	views := ag.Const(shiftedViews(x, w, all, cfg.Negatives, light, heavy, rand.New(rand.NewPCG(6, 6))))
	eval := func() float32 {
		enc.SetTraining(false)
		tape := ag.NewTape(false)
		return shiftedContrast(tape, enc.Forward(tape, views), rows, cfg.Negatives, 0.5).Item()
	}
	before := eval()
	if _, err := shiftedStage(cfg, 64, OptimConfig{Warmup: 0.05}, enc, x, w, all, marg, 5).run(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if after := eval(); !(after < 0.75*before) {
		t.Errorf("loss over all records %v before training, %v after: want a fall of a quarter", before, after)
	} else {
		t.Logf("%v -> %v", before, after)
	}
}
