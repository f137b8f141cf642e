package text

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// smokeConfig trains on 800 SICK pairs from testdata, without GloVe.
func smokeConfig() Config {
	c := Default()
	c.DataRoot = "testdata"
	c.Train = []string{"sick:sick-train-800.txt"}
	c.Valid = []string{"sick_trial=sick:sick-trial-300.txt"}
	c.Test = []string{"sick_trial=sick:sick-trial-300.txt", "sts2015=sts:sts2015"}
	c.Epochs = 6
	c.Tokenizer.Buckets = 512
	c.GloVe.Path = ""
	c.Optim.WordLRScale = 20

	return c
}

// TestTrainSmoke trains for a few seconds and checks that the loss falls,
// that the held-out Spearman clearly beats the untrained model's, and that
// the files of a run are written and load back.
func TestTrainSmoke(t *testing.T) {
	cfg := smokeConfig()
	tr, err := newTrainer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tr.model.SetTraining(false)
	before := map[string]float64{}
	if _, err := evaluateAll(tr.model, tr.valid, before); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	start := time.Now()
	m, err := Train(context.Background(), cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %v: Spearman on SICK trial %.3f (untrained %.3f)", time.Since(start), m["spearman_sick_trial"], before["spearman_sick_trial"])
	if m["spearman_sick_trial"] < before["spearman_sick_trial"]+0.1 {
		t.Fatalf("Spearman %.3f, untrained %.3f: want a gain of 0.1", m["spearman_sick_trial"], before["spearman_sick_trial"])
	}
	for _, k := range []string{"spearman_sts2015_images", "pearson_sts2015_headlines", "spearman_sts2015_mean", "pearson_sts2015_mean", "best_epoch", "train_seconds"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("metrics lack %q: %v", k, m)
		}
	}
	// The loss falls epoch over epoch (first to last).
	f, err := os.Open(filepath.Join(out, "history.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var losses []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row map[string]float64
		if err := json.Unmarshal(sc.Bytes(), &row); err != nil {
			t.Fatal(err)
		}
		losses = append(losses, row["loss"])
	}
	if len(losses) != cfg.Epochs || !(losses[len(losses)-1] < losses[0]-0.1) {
		t.Fatalf("losses %v: want %d epochs, falling", losses, cfg.Epochs)
	}
	// metrics.json is the returned map; the model evaluates the same after loading.
	var onDisk map[string]float64
	b, err := os.ReadFile(filepath.Join(out, MetricsFile))
	if err != nil || json.Unmarshal(b, &onDisk) != nil || len(onDisk) != len(m) {
		t.Fatalf("metrics.json: %v, %d keys", err, len(onDisk))
	}
	ev, err := EvalSTS(out, "sick:testdata/sick-trial-300.txt")
	if err != nil {
		t.Fatal(err)
	}
	if d := ev["spearman"] - m["spearman_sick_trial"]; d > 1e-9 || d < -1e-9 || ev["pairs"] != 300 {
		t.Fatalf("EvalSTS %v, training run %v", ev, m["spearman_sick_trial"])
	}
	ev, err = EvalSTS(out, "sts:testdata/sts2015")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"spearman", "pearson", "spearman_images", "pearson_headlines", "spearman_mean"} {
		if _, ok := ev[k]; !ok {
			t.Fatalf("EvalSTS on a directory lacks %q: %v", k, ev)
		}
	}
	if _, err := os.Stat(filepath.Join(out, ConfigFile)); err != nil {
		t.Fatal(err)
	}
}

// TestTrainEnsemble trains a two-member ensemble on the smoke data and checks
// the saved ensemble evaluates as during training, and that its cosine is the
// mean of its members'.
func TestTrainEnsemble(t *testing.T) {
	cfg := smokeConfig()
	cfg.Epochs = 3
	cfg.Encoder.Weighting = SIF
	cfg.Encoder.RemovePC = 1
	cfg.Encoder.EnsembleSIFA = []float64{1e-3, 1e-2}
	out := t.TempDir()
	m, err := Train(context.Background(), cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"spearman_sick_trial", "member0_spearman_sick_trial", "member1_pearson_sts2015_mean", "pearson_sts2015_mean"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("metrics lack %q", k)
		}
	}
	ev, err := EvalSTS(out, "sick:testdata/sick-trial-300.txt")
	if err != nil {
		t.Fatal(err)
	}
	if d := ev["spearman"] - m["spearman_sick_trial"]; d > 1e-9 || d < -1e-9 {
		t.Fatalf("EvalSTS %v, training run %v", ev["spearman"], m["spearman_sick_trial"])
	}
	e, err := LoadEncoder(out)
	if err != nil {
		t.Fatal(err)
	}
	ens := e.e.(*Ensemble)
	if len(e.Specs()) != 2 || e.Dim() != ens.Members[0].Dim()+ens.Members[1].Dim() {
		t.Fatalf("%d members, dim %d", len(e.Specs()), e.Dim())
	}
	a, b := []string{"A man is playing a guitar."}, []string{"A woman plays the violin."}
	ea, eb := e.Embed(a)[0], e.Embed(b)[0]
	var got float64
	for i := range ea {
		got += float64(ea[i]) * float64(eb[i])
	}
	var want float64
	for _, mem := range ens.Members {
		x, y := mem.Embed(a)[0], mem.Embed(b)[0]
		var c float64
		for i := range x {
			c += float64(x[i]) * float64(y[i])
		}
		want += c / 2
	}
	if d := got - want; d > 1e-6 || d < -1e-6 {
		t.Fatalf("ensemble cosine %v, mean of members' %v", got, want)
	}
}

// TestObjectives runs every objective and the Transformer for a few epochs on
// the smoke data: the loss must stay finite and fall.
func TestObjectives(t *testing.T) {
	cases := []struct {
		name string
		edit func(c *Config)
	}{
		{"cosine", func(c *Config) { c.Loss.Kind = CosineRegression }},
		{"mnrl", func(c *Config) { c.Loss.Kind, c.Loss.PositiveMin = InBatchNegatives, 0.7 }},
		{"simcse", func(c *Config) { c.Loss.Kind, c.Encoder.Dropout, c.Batch = SimCSE, 0.1, 32 }},
		{"cosent+mse", func(c *Config) { c.Loss.MSEWeight, c.Encoder.WordDropout = 1, 0.1 }},
		{"transformer", func(c *Config) {
			c.Encoder.Kind, c.Encoder.ModelDim, c.Encoder.FFN, c.Encoder.Heads, c.Encoder.WordDim = Transformer, 16, 32, 2, 16
			c.Encoder.Out, c.Encoder.Dropout, c.Optim.Warmup = 0, 0.1, 0.1
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smokeConfig()
			cfg.Epochs = 3
			cfg.Test = nil
			c.edit(&cfg)
			if c.name == "transformer" {
				cfg.Epochs = 2
			}
			out := t.TempDir()
			if _, err := Train(context.Background(), cfg, out, nil); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(out, "history.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			var first, last map[string]float64
			for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
				var row map[string]float64
				if err := json.Unmarshal([]byte(line), &row); err != nil {
					t.Fatal(err)
				}
				if first == nil {
					first = row
				}
				last = row
			}
			if !(last["loss"] < first["loss"]) {
				t.Fatalf("loss %v after epoch 1, %v after epoch %v", first["loss"], last["loss"], last["epoch"])
			}
		})
	}
}
