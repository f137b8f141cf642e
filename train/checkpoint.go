package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/internal/safetensors"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/optim"
)

// A run directory holds the model for eval, embed and serve (model.safetensors,
// model.json, config.yaml) and, under checkpoints/, the states to resume from:
// checkpoints/step-N/{model,optim}.safetensors and state.json, with
// checkpoints/latest naming the newest complete one. Each file is written
// atomically and latest is switched last, so a crash at any moment leaves the
// previous checkpoint intact.
const (
	ModelFile  = "model.safetensors"
	ModelInfo  = "model.json"
	ConfigFile = "config.yaml"
	ckptDir    = "checkpoints"
	latestFile = "latest"
)

// HasCheckpoint reports whether the run directory dir holds a complete
// checkpoint to resume from (checkpoints/latest, which is written last).
func HasCheckpoint(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, ckptDir, latestFile))
	return err == nil
}

// ModelMeta describes a saved model, enough to rebuild it for inference.
type ModelMeta struct {
	Method     string `json:"method"`
	Input      Shape  `json:"input"`
	Classes    int    `json:"classes"`
	FeatureDim int    `json:"feature_dim"`
	Step       int    `json:"step"`
}

// progress is the trainer's position, saved with each checkpoint.
type progress struct {
	Epoch     int     `json:"epoch"`      // epoch in progress
	EpochStep int     `json:"epoch_step"` // batches of it already done
	Step      int     `json:"step"`       // global optimizer steps done
	BestKNN   float64 `json:"best_knn"`
	BadEpochs int     `json:"bad_epochs"`
	Seconds   float64 `json:"seconds"` // training time so far
	// InitStd and InitRank are the untrained encoder's normalised std and
	// effective rank on the held-out slice: the references of the collapse
	// warning (0 = unknown).
	InitStd  float64 `json:"init_std,omitempty"`
	InitRank float64 `json:"init_rank,omitempty"`
}

// saveModel writes the files that eval, embed and serve read.
func saveModel(dir string, cfg Config, l Learner, meta ModelMeta) error {
	if err := nn.SaveModule(filepath.Join(dir, ModelFile), l.Net(), map[string]string{"method": cfg.Method.String()}); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(meta, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(dir, ModelInfo), append(b, '\n'), 0o644); err != nil {
		return err
	}
	return config.Save(filepath.Join(dir, ConfigFile), cfg)
}

// saveCheckpoint writes a resumable checkpoint and then points latest at it,
// removing older ones.
func saveCheckpoint(dir string, l Learner, opt optim.Optimizer, p progress) error {
	root := filepath.Join(dir, ckptDir)
	name := fmt.Sprintf("step-%09d", p.Step)
	cd := filepath.Join(root, name)
	if err := os.MkdirAll(cd, 0o755); err != nil {
		return fmt.Errorf("train: checkpoint: %w", err)
	}
	if err := nn.SaveModule(filepath.Join(cd, ModelFile), l.Net(), nil); err != nil {
		return err
	}
	if err := safetensors.Save(filepath.Join(cd, "optim.safetensors"), opt.State(), nil); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(p, "", "  ")
	if err := atomicfile.WriteFile(filepath.Join(cd, "state.json"), b, 0o644); err != nil {
		return err
	}
	if err := atomicfile.WriteFile(filepath.Join(root, latestFile), []byte(name+"\n"), 0o644); err != nil {
		return err
	}
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		if e.IsDir() && e.Name() != name && strings.HasPrefix(e.Name(), "step-") {
			os.RemoveAll(filepath.Join(root, e.Name()))
		}
	}
	return nil
}

// errNoCheckpoint says a run directory has nothing to resume from.
var errNoCheckpoint = errors.New("no checkpoint to resume from")

// loadCheckpoint restores the learner, the optimizer and the trainer position
// from the latest checkpoint of dir.
func loadCheckpoint(dir string, l Learner, opt optim.Optimizer) (progress, error) {
	var p progress
	root := filepath.Join(dir, ckptDir)
	name, err := os.ReadFile(filepath.Join(root, latestFile))
	if errors.Is(err, os.ErrNotExist) {
		return p, fmt.Errorf("train: %s: %w", dir, errNoCheckpoint)
	}
	if err != nil {
		return p, fmt.Errorf("train: resume: %w", err)
	}
	cd := filepath.Join(root, strings.TrimSpace(string(name)))
	if _, err := nn.LoadModule(filepath.Join(cd, ModelFile), l.Net()); err != nil {
		return p, fmt.Errorf("train: resume from %s: %w", cd, err)
	}
	st, _, err := safetensors.Load(filepath.Join(cd, "optim.safetensors"))
	if err != nil {
		return p, fmt.Errorf("train: resume from %s: %w", cd, err)
	}
	if err := opt.LoadState(st); err != nil {
		return p, fmt.Errorf("train: resume from %s: %w", cd, err)
	}
	b, err := os.ReadFile(filepath.Join(cd, "state.json"))
	if err != nil {
		return p, fmt.Errorf("train: resume: %w", err)
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("train: resume: %s/state.json: %w", cd, err)
	}
	return p, nil
}

// LoadModel rebuilds a trained method from a run directory for inference,
// returning it with its config and metadata.
func LoadModel(dir string) (Learner, Config, ModelMeta, error) {
	var meta ModelMeta
	cfg := Default()
	if err := config.Load(filepath.Join(dir, ConfigFile), &cfg); err != nil {
		return nil, cfg, meta, fmt.Errorf("train: load model %s: %w", dir, err)
	}
	b, err := os.ReadFile(filepath.Join(dir, ModelInfo))
	if err != nil {
		return nil, cfg, meta, fmt.Errorf("train: load model: %w", err)
	}
	if err := json.Unmarshal(b, &meta); err != nil {
		return nil, cfg, meta, fmt.Errorf("train: load model: %s: %w", filepath.Join(dir, ModelInfo), err)
	}
	l, err := NewLearner(cfg, meta.Input, meta.Classes, cfg.Seed)
	if err != nil {
		return nil, cfg, meta, err
	}
	if _, err := nn.LoadModule(filepath.Join(dir, ModelFile), l.Net()); err != nil {
		return nil, cfg, meta, fmt.Errorf("train: load model %s: %w", dir, err)
	}
	return l, cfg, meta, nil
}
