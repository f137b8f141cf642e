package train

import (
	"encoding"
	"errors"
	"fmt"

	"github.com/contrast-ml/contrast/distance"
)

// Config is a training run, as written in YAML (examples/*.yaml) and, field by
// field, as flags (`contrast train --help`).
type Config struct {
	Task   string `yaml:"task" help:"application: image (this config); see contrast train --help"`
	Method Method `yaml:"method" help:"method: simclr, supcon, moco, byol, simsiam, barlow, vicreg, triplet, siamese"`
	Data   string `yaml:"data" help:"data source spec (mnist, idx:DIR, images:DIR)"`
	// TrainLimit and TestLimit keep only a seeded-random subset of the splits (0: all).
	TrainLimit int            `yaml:"train_limit" help:"use a random subset of this many training examples (0 = all)"`
	TestLimit  int            `yaml:"test_limit" help:"evaluate on a random subset of this many test examples (0 = all)"`
	Seed       uint64         `yaml:"seed" help:"seed of every random source"`
	Epochs     float64        `yaml:"epochs" help:"training length in epochs (fractions allowed)"`
	Steps      int            `yaml:"steps" help:"training length in steps; overrides epochs when > 0"`
	Batch      int            `yaml:"batch" help:"examples per step (each gives one view per view of the method)"`
	Workers    int            `yaml:"workers" help:"loader goroutines (0 = GOMAXPROCS)"`
	Encoder    EncoderConfig  `yaml:"encoder"`
	Head       HeadConfig     `yaml:"head"`
	Optim      OptimConfig    `yaml:"optim"`
	Loss       LossConfig     `yaml:"loss"`
	Augment    AugmentConfig  `yaml:"augment"`
	Monitor    MonitorConfig  `yaml:"monitor"`
	Finetune   FinetuneConfig `yaml:"finetune"`
	// CheckpointEvery saves a checkpoint every that many steps (0: only at the end).
	CheckpointEvery int `yaml:"checkpoint_every" help:"save a checkpoint every N steps (0 = only at the end)"`
	// Patience stops training when the monitored kNN accuracy has not improved for that many epochs (0: never).
	Patience int `yaml:"patience" help:"early stopping: epochs without kNN improvement (0 = off)"`
	// ClipNorm clips the global gradient norm (0: off).
	ClipNorm float64 `yaml:"clip_norm" help:"clip the global gradient norm to this value (0 = off)"`
	// CheckFinite stops at the first NaN or Inf, naming the op that made it.
	CheckFinite bool `yaml:"check_finite" help:"stop at the first NaN/Inf and name the op (slower)"`
}

// EncoderConfig chooses the encoder.
type EncoderConfig struct {
	Kind   EncoderKind `yaml:"kind" help:"encoder: w1, mlp, resnet"`
	Hidden []int       `yaml:"hidden" help:"MLP hidden widths"`
	Dim    int         `yaml:"dim" help:"feature (representation) dimension"`
	Width  int         `yaml:"width" help:"ResNet base width"`
}

// HeadConfig sizes the projection (and, for BYOL/SimSiam, prediction) heads.
// A zero ProjDim means no projection head (the embedding is the feature, as
// triplet and siamese networks usually do, or a linear layer with Linear).
type HeadConfig struct {
	ProjHidden int  `yaml:"proj_hidden" help:"projection head hidden width"`
	ProjDim    int  `yaml:"proj_dim" help:"projection output dimension (0 = no head)"`
	Linear     bool `yaml:"linear" help:"projection head is one linear layer"`
	PredHidden int  `yaml:"pred_hidden" help:"predictor hidden width (BYOL, SimSiam)"`
}

// OptimConfig is the optimizer and the learning-rate schedule: linear warm-up
// then cosine decay to MinLR (or constant when Cosine is false).
type OptimConfig struct {
	Kind        OptimKind `yaml:"kind" help:"optimizer: adam, adamw, sgd, lars"`
	LR          float64   `yaml:"lr" help:"peak learning rate"`
	MinLR       float64   `yaml:"min_lr" help:"learning rate at the end of the cosine decay"`
	Momentum    float64   `yaml:"momentum" help:"SGD/LARS momentum"`
	WeightDecay float64   `yaml:"weight_decay" help:"weight decay"`
	Warmup      float64   `yaml:"warmup" help:"linear warm-up length, as a fraction of training"`
	Cosine      bool      `yaml:"cosine" help:"cosine decay after warm-up"`
}

// LossConfig holds the loss parameters; each method reads those it needs.
type LossConfig struct {
	Temperature float64       `yaml:"temperature" help:"softmax temperature (simclr, supcon, moco)"`
	Margin      float64       `yaml:"margin" help:"margin (triplet, siamese)"`
	Distance    string        `yaml:"distance" help:"distance: euclidean, squared-euclidean, cosine, dot"`
	Miner       MinerKind     `yaml:"miner" help:"triplet miner: semi-hard, batch-hard, batch-all, distance-weighted"`
	PerClass    int           `yaml:"per_class" help:"examples per class in a batch (triplet)"`
	EMA         float64       `yaml:"ema" help:"target/key encoder momentum (byol, moco)"`
	Queue       int           `yaml:"queue" help:"negatives kept in the queue (moco)"`
	Lambda      float64       `yaml:"lambda" help:"off-diagonal weight (barlow)"`
	VICReg      VICRegWeights `yaml:"vicreg"`
}

// VICRegWeights are the three VICReg coefficients.
type VICRegWeights struct {
	Sim float64 `yaml:"sim" help:"invariance weight"`
	Var float64 `yaml:"var" help:"variance weight"`
	Cov float64 `yaml:"cov" help:"covariance weight"`
}

// AugmentConfig describes the image views.
type AugmentConfig struct {
	CropMin float64 `yaml:"crop_min" help:"random resized crop: smallest area fraction (0 = no resized crop)"`
	Pad     int     `yaml:"pad" help:"random crop after zero padding, in pixels (0 = off)"`
	Rotate  float64 `yaml:"rotate" help:"random rotation, degrees"`
	Warp    float64 `yaml:"warp" help:"elastic warp strength in pixels (0 = off)"`
	Noise   float64 `yaml:"noise" help:"Gaussian noise std"`
	Erase   float64 `yaml:"erase" help:"random erasing probability"`
	Flip    bool    `yaml:"flip" help:"random horizontal flip (off for digits)"`
}

// MonitorConfig sets the per-epoch monitors and the final evaluation.
type MonitorConfig struct {
	HeldOut  int     `yaml:"held_out" help:"training examples held out for the per-epoch kNN monitor"`
	KNNK     int     `yaml:"knn_k" help:"kNN neighbours"`
	KNNT     float64 `yaml:"knn_t" help:"kNN temperature"`
	Baseline bool    `yaml:"baseline" help:"also report the kNN accuracy of the untrained encoder"`
}

// FinetuneConfig asks for the transfer experiment: fine-tune the pretrained
// encoder with a classification head on a fraction of the labels, and train the
// same network from scratch on the same subset.
type FinetuneConfig struct {
	Fractions []float64 `yaml:"fractions" help:"label fractions for fine-tuning vs scratch (e.g. 0.01,0.1; empty = skip)"`
	Epochs    int       `yaml:"epochs" help:"fine-tuning epochs"`
	LR        float64   `yaml:"lr" help:"fine-tuning learning rate"`
}

// Default returns the default run: SimCLR on MNIST with the W1 ConvNet.
func Default() Config {
	return Config{
		Method: SimCLR, Data: "mnist", Seed: 1, Epochs: 18, Batch: 256,
		Encoder: EncoderConfig{Kind: EncoderW1, Dim: 128, Hidden: []int{256}, Width: 16},
		Head:    HeadConfig{ProjHidden: 512, ProjDim: 128, PredHidden: 64},
		Optim:   OptimConfig{Kind: OptimAdam, LR: 1e-3, MinLR: 0, Momentum: 0.9, Warmup: 0.02, Cosine: true},
		Loss: LossConfig{Temperature: 0.5, Margin: 0.2, Distance: "euclidean", Miner: MinerSemiHard, PerClass: 25,
			EMA: 0.99, Queue: 4096, Lambda: 0.005, VICReg: VICRegWeights{Sim: 25, Var: 25, Cov: 1}},
		Augment:  AugmentConfig{CropMin: 0.5, Rotate: 15, Warp: 3, Noise: 0.1},
		Monitor:  MonitorConfig{HeldOut: 5000, KNNK: 200, KNNT: 0.1},
		Finetune: FinetuneConfig{Epochs: 30, LR: 1e-3},
	}
}

// Validate checks the fields that do not depend on the data.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Task != "" && c.Task != "image" {
		bad("task: %q is not an image task", c.Task)
	}
	if c.Data == "" {
		bad("data: empty (want a spec such as mnist or idx:DIR)")
	}
	if c.Steps <= 0 && !(c.Epochs > 0) {
		bad("epochs: %v and steps: %d; one must be positive", c.Epochs, c.Steps)
	}
	if c.Batch < 2 {
		bad("batch: %d, want >= 2", c.Batch)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"steps", c.Steps}, {"train_limit", c.TrainLimit}, {"test_limit", c.TestLimit}, {"workers", c.Workers},
		{"checkpoint_every", c.CheckpointEvery}, {"monitor.held_out", c.Monitor.HeldOut}} {
		if f.v < 0 {
			bad("%s: %d, want >= 0", f.name, f.v)
		}
	}
	if !(c.Optim.LR > 0) {
		bad("optim.lr: %v, want > 0", c.Optim.LR)
	}
	if c.Optim.Warmup < 0 || c.Optim.Warmup >= 1 {
		bad("optim.warmup: %v, want a fraction in [0, 1)", c.Optim.Warmup)
	}
	if c.Encoder.Dim < 1 {
		bad("encoder.dim: %d, want >= 1", c.Encoder.Dim)
	}
	if _, err := distance.ParseKind(c.Loss.Distance); err != nil {
		bad("loss.distance: %v", err)
	}
	if c.Monitor.KNNK < 1 || !(c.Monitor.KNNT > 0) {
		bad("monitor.knn_k %d and monitor.knn_t %v must be positive", c.Monitor.KNNK, c.Monitor.KNNT)
	}
	for _, f := range c.Finetune.Fractions {
		if !(f > 0 && f <= 1) {
			bad("finetune.fractions: %v, want fractions in (0, 1]", f)
		}
	}
	// An enumeration value without a name could not be written to the run's
	// config.yaml (nor read back): refuse it before training, not after.
	for _, e := range []struct {
		field string
		v     encoding.TextMarshaler
	}{{"method", c.Method}, {"encoder.kind", c.Encoder.Kind}, {"optim.kind", c.Optim.Kind}, {"loss.miner", c.Loss.Miner}} {
		if _, err := e.v.MarshalText(); err != nil {
			bad("%s: %v", e.field, err)
		}
	}
	return errors.Join(errs...)
}
