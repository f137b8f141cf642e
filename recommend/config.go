package recommend

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Config is a recommendation training run, as written in YAML
// (examples/movielens.yaml) and, field by field, as flags.
type Config struct {
	Task  string      `yaml:"task" help:"task: recommend (two-tower retrieval on MovieLens)"`
	Seed  uint64      `yaml:"seed" help:"seed of every random source (cold items, initialisation, batches)"`
	Data  string      `yaml:"data" help:"data set: movielens:DIR (movies.csv, ratings.csv, tags.csv)"`
	Split SplitConfig `yaml:"split"`
	Text  TextConfig  `yaml:"text"`
	Model ModelConfig `yaml:"model"`
	Train TrainConfig `yaml:"train"`
	Optim OptimConfig `yaml:"optim"`
}

// SplitConfig is the evaluation protocol.
type SplitConfig struct {
	ColdFraction float64 `yaml:"cold_fraction" help:"fraction of the rated items held out of training entirely (cold start)"`
}

// TextConfig chooses the item text features.
type TextConfig struct {
	// Tags adds tags.csv to the item text. A tag is applied by a user, so a
	// brand-new movie would have none: turn it off to measure cold start from
	// title, year and genres alone.
	Tags     bool `yaml:"tags" json:"tags" help:"use the movies' tags as item text"`
	Bigrams  bool `yaml:"bigrams" json:"bigrams" help:"add title word bigrams"`
	MinCount int  `yaml:"min_count" json:"min_count" help:"tokens found in fewer training items share hashed rows"`
	Buckets  int  `yaml:"buckets" json:"buckets" help:"hashed rows for rare and unseen tokens (0 = drop them)"`
}

// ModelConfig is the architecture of the two towers.
type ModelConfig struct {
	Dim     int   `yaml:"dim" help:"embedding dimension of items and users"`
	WordDim int   `yaml:"word_dim" help:"dimension of the token vectors (each of the 4 text fields is mean-pooled to one)"`
	Hidden  []int `yaml:"hidden" help:"hidden widths of the item tower's MLP over the pooled text (empty = linear)"`
	// ItemIDs adds a learned vector per item with training interactions; cold
	// items have none and are embedded from text alone.
	ItemIDs   bool    `yaml:"item_ids" help:"add an item-ID embedding (items seen in training only)"`
	IDDropout float64 `yaml:"id_dropout" help:"probability of dropping an item's ID vector in a step, so that the text tower learns to stand alone (DropoutNet)"`
	History   int     `yaml:"history" help:"most recent interactions the user tower pools"`
	Pooling   Pooling `yaml:"pooling" help:"user tower pooling: mean or recency"`
	HalfLife  float64 `yaml:"half_life" help:"recency pooling: interactions after which a weight halves"`
	// Temperature divides the cosine similarities of the softmax.
	Temperature float64 `yaml:"temperature" help:"softmax temperature on cosine similarities"`
}

// TrainConfig is the training objective and schedule.
type TrainConfig struct {
	Epochs     int        `yaml:"epochs" help:"passes over the training interactions"`
	Batch      int        `yaml:"batch" help:"(history, next item) examples per step; the batch's items are each other's negatives"`
	Correction Correction `yaml:"correction" help:"logit correction of the sampled softmax: logq or none"`
	MaxPerUser int        `yaml:"max_per_user" help:"examples drawn per user and epoch (0 = all), so heavy raters do not dominate"`
	// CoocWeight weighs the item-item loss: items that follow each other in a
	// user's history within CoocWindow steps are positives of each other.
	CoocWeight float64 `yaml:"cooc_weight" help:"weight of the item-item contrastive loss on co-occurring pairs (0 = off)"`
	CoocWindow int     `yaml:"cooc_window" help:"items within this many steps in a history form co-occurrence pairs"`
	CoocBatch  int     `yaml:"cooc_batch" help:"co-occurrence pairs per step"`
	Patience   int     `yaml:"patience" help:"stop after this many epochs without a better validation recall@10 (0 = never)"`
}

// OptimConfig is the optimizer (Adam) and its schedule.
type OptimConfig struct {
	LR          float64 `yaml:"lr" help:"peak learning rate of Adam"`
	WeightDecay float64 `yaml:"weight_decay" help:"L2 weight decay of the dense layers (not the token and ID tables)"`
	Warmup      float64 `yaml:"warmup" help:"linear warm-up, as a fraction of training"`
	MinLR       float64 `yaml:"min_lr" help:"learning rate at the end of the cosine decay"`
}

// Default returns the recipe of examples/movielens.yaml.
func Default() Config {
	return Config{
		Task: "recommend", Seed: 1, Data: "movielens:../shared/data/movielens",
		Split: SplitConfig{ColdFraction: 0.1},
		Text:  TextConfig{Tags: true, Bigrams: true, MinCount: 2, Buckets: 2048},
		Model: ModelConfig{Dim: 64, WordDim: 32, ItemIDs: true, IDDropout: 0.5, History: 30,
			Pooling: Recency, HalfLife: 10, Temperature: 0.07},
		Train: TrainConfig{Epochs: 10, Batch: 512, Correction: LogQ, CoocWeight: 0.5, CoocWindow: 3, CoocBatch: 512},
		Optim: OptimConfig{LR: 2e-3, Warmup: 0.05, MinLR: 1e-4},
	}
}

// DataDir returns the directory of cfg.Data ("movielens:DIR").
func (c *Config) DataDir() (string, error) {
	dir, ok := strings.CutPrefix(strings.TrimSpace(c.Data), "movielens:")
	if !ok || dir == "" {
		return "", fmt.Errorf("data: %q, want movielens:DIR", c.Data)
	}
	return dir, nil
}

// Validate checks the fields that do not depend on the data.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Task != "" && c.Task != "recommend" {
		bad("task: %q, want recommend", c.Task)
	}
	if _, err := c.DataDir(); err != nil {
		bad("%v", err)
	}
	if !(c.Split.ColdFraction >= 0 && c.Split.ColdFraction < 1) {
		bad("split.cold_fraction: %v, want [0, 1)", c.Split.ColdFraction)
	}
	if c.Text.MinCount < 1 {
		bad("text.min_count: %d, want >= 1", c.Text.MinCount)
	}
	if c.Text.Buckets < 0 {
		bad("text.buckets: %d, want >= 0", c.Text.Buckets)
	}
	m := c.Model
	if m.Dim < 1 || m.WordDim < 1 {
		bad("model.dim %d and model.word_dim %d, want >= 1", m.Dim, m.WordDim)
	}
	for _, h := range m.Hidden {
		if h < 1 {
			bad("model.hidden: %v, want positive widths", m.Hidden)
			break
		}
	}
	if !(m.IDDropout >= 0 && m.IDDropout <= 1) {
		bad("model.id_dropout: %v, want [0, 1]", m.IDDropout)
	}
	if m.History < 1 {
		bad("model.history: %d, want >= 1", m.History)
	}
	if m.Pooling != Mean && m.Pooling != Recency {
		bad("model.pooling: %v", m.Pooling)
	}
	if m.Pooling == Recency && !(m.HalfLife > 0) {
		bad("model.half_life: %v, want > 0 with recency pooling", m.HalfLife)
	}
	if !(m.Temperature > 0) || math.IsInf(m.Temperature, 0) {
		bad("model.temperature: %v, want > 0", m.Temperature)
	}
	t := c.Train
	if t.Epochs < 1 {
		bad("train.epochs: %d, want >= 1", t.Epochs)
	}
	if t.Batch < 2 {
		bad("train.batch: %d, want >= 2", t.Batch)
	}
	if t.Correction != LogQ && t.Correction != NoCorrection {
		bad("train.correction: %v", t.Correction)
	}
	if t.MaxPerUser < 0 {
		bad("train.max_per_user: %d, want >= 0", t.MaxPerUser)
	}
	if !(t.CoocWeight >= 0) || math.IsInf(t.CoocWeight, 0) {
		bad("train.cooc_weight: %v, want >= 0", t.CoocWeight)
	}
	if t.CoocWeight > 0 && (t.CoocWindow < 1 || t.CoocBatch < 2) {
		bad("train.cooc_window %d and train.cooc_batch %d, want >= 1 and >= 2 with cooc_weight > 0", t.CoocWindow, t.CoocBatch)
	}
	if t.Patience < 0 {
		bad("train.patience: %d, want >= 0", t.Patience)
	}
	o := c.Optim
	if !(o.LR > 0) || math.IsInf(o.LR, 0) {
		bad("optim.lr: %v, want > 0", o.LR)
	}
	if !(o.WeightDecay >= 0) {
		bad("optim.weight_decay: %v, want >= 0", o.WeightDecay)
	}
	if !(o.Warmup >= 0 && o.Warmup < 1) {
		bad("optim.warmup: %v, want a fraction in [0, 1)", o.Warmup)
	}
	if !(o.MinLR >= 0 && o.MinLR <= o.LR) {
		bad("optim.min_lr: %v, want in [0, optim.lr]", o.MinLR)
	}
	return errors.Join(errs...)
}
