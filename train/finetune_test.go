package train

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// mnistSlices returns seeded random slices of MNIST's training and test splits.
func mnistSlices(t *testing.T, nTrain, nTest int) (train, test *data.Images) {
	t.Helper()
	set, err := data.LoadString("mnist")
	if err != nil {
		t.Skipf("MNIST not available: %v", err)
	}
	tr, err := set.Images("train")
	if err != nil {
		t.Fatal(err)
	}
	te, err := set.Images("test")
	if err != nil {
		t.Fatal(err)
	}
	return limit(tr, nTrain, 1), limit(te, nTest, 1)
}

// transferConfig is a small MLP run for the transfer experiment.
func transferConfig() Config {
	c := smallConfig(SimCLR)
	c.Augment = AugmentConfig{} // plain images: the test is about the weights, not the views
	c.Finetune.Epochs = 20
	return c
}

// The oracle for fitClassifier's hand-written evaluation: a separately
// trained classifier must score far above chance (0.1) on held-out digits,
// which a wrong argmax or a wrong weight layout would not.
func TestFitClassifierLearns(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	cfg := transferConfig()
	tr, te := mnistSlices(t, 2000, 1000)
	enc, _, err := NewEncoder(cfg.Encoder, Shape{C: 1, H: 28, W: 28}, tensor.NewRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	acc, err := fitClassifier(context.Background(), cfg, enc, tr, te)
	if err != nil {
		t.Fatal(err)
	}
	if acc < 0.85 {
		t.Errorf("supervised MLP on 2000 digits: test top-1 %.3f, want >= 0.85", acc)
	}
}

// Pretraining must show: an encoder first trained on many labels, then
// fine-tuned on 1% of them, beats the same network trained from scratch on
// that 1%. If finetune failed to copy the pretrained weights, both arms
// would start from the same initialisation and score the same.
func TestFinetuneShowsTheValueOfPretraining(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	cfg := transferConfig()
	cfg.Finetune.Fractions = []float64{0.01}
	tr, te := mnistSlices(t, 3000, 1000)
	l, err := NewLearner(cfg, Shape{C: 1, H: 28, W: 28}, tr.NumClasses(), cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	// "Pretrain" the learner's encoder with all 3000 labels.
	if _, err := fitClassifier(context.Background(), cfg, l.Encoder(), tr, te); err != nil {
		t.Fatal(err)
	}
	before := paramBytes(l.Encoder())
	out, err := finetune(context.Background(), cfg, l, tr, te, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ft, okF := out["finetune_top1_1pct"]
	sc, okS := out["scratch_top1_1pct"]
	if !okF || !okS || len(out) != 2 {
		t.Fatalf("metrics %v: want finetune_top1_1pct and scratch_top1_1pct", out)
	}
	t.Logf("1%% of 3000 labels: finetune %.3f, scratch %.3f", ft, sc)
	if ft < sc+0.1 {
		t.Errorf("finetune %.3f vs scratch %.3f: pretraining does not show", ft, sc)
	}
	if !slices.Equal(before, paramBytes(l.Encoder())) {
		t.Error("finetune changed the pretrained learner's encoder; it must fine-tune a copy")
	}
	again, err := finetune(context.Background(), cfg, l, tr, te, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if again["finetune_top1_1pct"] != ft || again["scratch_top1_1pct"] != sc {
		t.Errorf("same seed, different figures: %v then %v", out, again)
	}
}

func TestFractionName(t *testing.T) {
	for _, c := range []struct {
		frac float64
		want string
	}{{0.01, "1pct"}, {0.1, "10pct"}, {0.07, "7pct"}, {0.005, "0.5pct"}, {1, "100pct"}, {0.333, "33.3pct"}} {
		if got := fractionName(c.frac); got != c.want {
			t.Errorf("fractionName(%g) = %q, want %q", c.frac, got, c.want)
		}
	}
}

// paramBytes snapshots every parameter and buffer value of m.
func paramBytes(m nn.Module) []float32 {
	var out []float32
	for _, p := range m.Params() {
		out = append(out, p.Value.Raw()...)
	}
	for _, b := range m.Buffers() {
		out = append(out, b.Value.Raw()...)
	}
	return out
}
