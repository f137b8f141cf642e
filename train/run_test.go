package train

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
)

// smallConfig trains method on a slice of MNIST for a few seconds.
func smallConfig(m Method) Config {
	c := Default()
	c.Method = m
	c.TrainLimit, c.TestLimit = 3000, 1000
	c.Monitor.HeldOut = 500
	c.Monitor.KNNK = 20
	c.Batch = 64
	c.Epochs = 2
	c.Encoder.Kind = EncoderMLP
	c.Encoder.Hidden = []int{128}
	c.Encoder.Dim = 32
	c.Head.ProjHidden, c.Head.ProjDim = 32, 16
	c.Workers = 2
	return c
}

func TestMethodsLearnOnASlice(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	for _, m := range []Method{SimCLR, Triplet, Siamese, BYOL, SimSiam, MoCo, SupCon, Barlow, VICReg} {
		t.Run(m.String(), func(t *testing.T) {
			cfg := smallConfig(m)
			cfg.Monitor.Baseline = true
			if m == Triplet || m == Siamese {
				cfg.Head.ProjDim = 0
				cfg.Loss.Margin = map[Method]float64{Triplet: 0.2, Siamese: 1}[m]
			}
			if m == MoCo {
				cfg.Loss.Queue = 256
				cfg.Loss.Temperature = 0.2
			}
			var losses []float64
			res, err := Run(context.Background(), cfg, Options{Out: t.TempDir(), OnRecord: func(r Record) {
				if v, ok := r["loss"]; ok {
					losses = append(losses, v)
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			mt := res.Metrics
			t.Logf("%s: %v", m, mt)
			for _, k := range []string{"knn_top1", "linear_top1", "precision_at_1", "map_at_r", "train_seconds"} {
				if v, ok := mt[k]; !ok || math.IsNaN(v) {
					t.Errorf("metric %s missing or NaN", k)
				}
			}
			// Ten classes: chance is 0.1; an MLP on 3000 images must do far better.
			if mt["linear_top1"] < 0.6 {
				t.Errorf("linear_top1 %.3f: not learning", mt["linear_top1"])
			}
			if len(losses) < 2 || !(losses[len(losses)-1] < losses[0]) {
				t.Errorf("loss per epoch %v: does not fall", losses)
			}
		})
	}
}

func TestResumeIsBitExact(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	cfg := smallConfig(SimCLR)
	cfg.Steps = 20
	cfg.CheckpointEvery = 7
	full := t.TempDir()
	a, err := Run(context.Background(), cfg, Options{Out: full})
	if err != nil {
		t.Fatal(err)
	}
	// A second run is interrupted after step 10 (between checkpoints, so the
	// interruption saves one) and resumed to the end.
	part := t.TempDir()
	if _, err := Run(context.Background(), cfg, Options{Out: part, stopAt: 10}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	b, err := Run(context.Background(), cfg, Options{Out: part, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	// The collapse warning's references are measured once, before training,
	// and must survive the resume.
	sa, sb := lastState(t, full), lastState(t, part)
	if !(sa.InitStd > 0 && sa.InitRank > 0) || sa.InitStd != sb.InitStd || sa.InitRank != sb.InitRank {
		t.Errorf("untrained-encoder references: uninterrupted (%v, %v), resumed (%v, %v)", sa.InitStd, sa.InitRank, sb.InitStd, sb.InitRank)
	}
	pa, pb := a.Learner.Net().Params(), b.Learner.Net().Params()
	for i := range pa {
		for j, v := range pa[i].Value.Data {
			if pb[i].Value.Data[j] != v {
				t.Fatalf("param %s[%d]: %v uninterrupted, %v resumed", pa[i].Name, j, v, pb[i].Value.Data[j])
			}
		}
	}
}

// lastState reads the trainer position saved with the run's newest checkpoint.
func lastState(t *testing.T, dir string) progress {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "checkpoints", "step-*", "state.json"))
	if len(files) == 0 {
		t.Fatalf("%s: no checkpoint state", dir)
	}
	slices.Sort(files)
	b, err := os.ReadFile(files[len(files)-1])
	if err != nil {
		t.Fatal(err)
	}
	var p progress
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestDivergenceStops trains with a learning rate that makes the weights
// overflow and checks that the run stops with ErrNonFinite, and that the error
// says truthfully which checkpoint is left to resume from: none when the run
// diverges before its first one, the step of the last one otherwise.
func TestDivergenceStops(t *testing.T) {
	if testing.Short() {
		t.Skip("trains")
	}
	for _, c := range []struct {
		every int
		want  string
	}{{0, "no checkpoint had been written yet"}, {1, "the checkpoint of step "}} {
		cfg := smallConfig(SimCLR)
		cfg.TrainLimit, cfg.Monitor.HeldOut, cfg.Epochs = 640, 0, 1
		cfg.Optim.Kind, cfg.Optim.LR, cfg.Optim.Warmup, cfg.ClipNorm = OptimSGD, 1e30, 0, 0
		cfg.CheckpointEvery = c.every
		_, err := Run(context.Background(), cfg, Options{Out: t.TempDir()})
		if !errors.Is(err, ErrNonFinite) {
			t.Fatalf("checkpoint every %d: error %v, want ErrNonFinite", c.every, err)
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("checkpoint every %d: error %q does not say %q", c.every, err, c.want)
		}
	}
}

// TestLoadModelNamesBrokenFile checks that a run whose model.json is torn is
// refused with the file's path, so that a user with several runs knows which.
func TestLoadModelNamesBrokenFile(t *testing.T) {
	dir := t.TempDir()
	cfg := smallConfig(SimCLR)
	b, err := config.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, ConfigFile), b, 0o644)
	os.WriteFile(filepath.Join(dir, ModelInfo), []byte(`{"method": "simclr", "inp`), 0o644)
	_, _, _, err = LoadModel(dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, ModelInfo)) {
		t.Fatalf("error %v does not name %s", err, filepath.Join(dir, ModelInfo))
	}
}
