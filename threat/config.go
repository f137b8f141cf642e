package threat

import (
	"errors"
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/data"
)

// Config is a threat-detection run, as written in YAML (examples/nslkdd.yaml)
// and, field by field, as flags. Every stage's length is in epochs over the
// training split.
type Config struct {
	Task     string        `yaml:"task" help:"task selector for the CLI: threat"`
	Train    string        `yaml:"train" help:"training data (nslkdd:FILE); the validation split is taken from it"`
	Test     string        `yaml:"test" help:"test data (nslkdd:FILE), used only for the final metrics"`
	Seed     uint64        `yaml:"seed" help:"seed of every random source"`
	Val      float64       `yaml:"val_fraction" help:"fraction of the training file held out (stratified) for validation and calibration"`
	Limit    int           `yaml:"limit" help:"use at most this many training rows (0 = all; for smoke tests)"`
	Features FeatureConfig `yaml:"features"`
	Encoder  EncoderConfig `yaml:"encoder"`
	SCARF    SCARFConfig   `yaml:"scarf"`
	SupCon   SupConConfig  `yaml:"supcon"`
	Novelty  NoveltyConfig `yaml:"novelty"`
	KNN      KNNConfig     `yaml:"knn"`
	Optim    OptimConfig   `yaml:"optim"`
}

// FeatureConfig describes the input pipeline.
type FeatureConfig struct {
	Categorical CatEncoding `yaml:"categorical" help:"categorical fields as: embedding, onehot"`
	EmbedDim    int         `yaml:"embed_dim" help:"embedding width per categorical field (embedding encoding)"`
	NoLog       bool        `yaml:"no_log" help:"do not log1p-scale the heavy-tailed counts"`
}

// EncoderConfig sizes the tabular encoder: Linear+Norm+ReLU per hidden width,
// then Linear(dim).
type EncoderConfig struct {
	Hidden []int    `yaml:"hidden" help:"hidden widths of the MLP"`
	Dim    int      `yaml:"dim" help:"representation dimension"`
	Norm   NormKind `yaml:"norm" help:"normalisation after each hidden layer: batch, layer, none"`
	Proj   int      `yaml:"proj" help:"projection head output width for the contrastive losses"`
}

// SCARFConfig is the self-supervised pre-training (Bahri et al. 2022).
type SCARFConfig struct {
	Epochs      int     `yaml:"epochs" help:"SCARF pre-training epochs (0 = skip)"`
	Rate        float64 `yaml:"rate" help:"fraction of features replaced by draws from their marginals"`
	Temperature float64 `yaml:"temperature" help:"NT-Xent temperature"`
	Batch       int     `yaml:"batch" help:"records per step (two views each)"`
	LR          float64 `yaml:"lr" help:"peak learning rate"`
}

// SupConConfig is the supervised contrastive fine-tuning (Khosla et al. 2020)
// with a class-weighted linear head trained alongside.
type SupConConfig struct {
	Epochs      int         `yaml:"epochs" help:"fine-tuning epochs"`
	Temperature float64     `yaml:"temperature" help:"SupCon temperature"`
	Rate        float64     `yaml:"rate" help:"SCARF corruption rate of the two views"`
	Batch       int         `yaml:"batch" help:"records per step (two views each)"`
	LR          float64     `yaml:"lr" help:"peak learning rate"`
	CEWeight    float64     `yaml:"ce_weight" help:"weight of the head's cross-entropy next to SupCon"`
	ClassWeight ClassWeight `yaml:"class_weight" help:"class weights of the cross-entropy: sqrt, balanced, none"`
}

// NoveltyConfig is the encoder trained on normal records only and its
// anomaly score.
type NoveltyConfig struct {
	Members     int           `yaml:"members" help:"novelty encoders trained from different initialisations; the learned distance is their mean (0 means 1)"`
	Method      NoveltyMethod `yaml:"method" help:"objective of the novelty encoder: scarf (NT-Xent, other records as negatives) or shifted (a record against corrupted copies of itself)"`
	Epochs      int           `yaml:"epochs" help:"training epochs on the normal training records"`
	Rate        float64       `yaml:"rate" help:"corruption rate of the positive view (SCARF's corruption for method scarf)"`
	Negatives   int           `yaml:"negatives" help:"method shifted: corrupted copies of each record used as its negatives"`
	NegRate     float64       `yaml:"negative_rate" help:"method shifted: corruption rate of the negative copies"`
	Temperature float64       `yaml:"temperature" help:"temperature of the novelty loss (scarf: high means less uniformity pressure)"`
	LR          float64       `yaml:"lr" help:"peak learning rate of the novelty encoder"`
	Hidden      []int         `yaml:"hidden" help:"hidden widths of the novelty encoder (its dim is the encoder's)"`
	Norm        NormKind      `yaml:"norm" help:"normalisation after each hidden layer of the novelty encoder: batch, layer, none"`
	EmbedDim    int           `yaml:"embed_dim" help:"embedding width per categorical field in the novelty encoder"`
	K           int           `yaml:"k" help:"anomaly score: distance to the k-th nearest normal training record"`
	FPR         float64       `yaml:"fpr" help:"threshold: this fraction of the training file's normal records score above it (the validation normals, and each training normal against the others)"`
	Combine     bool          `yaml:"combine" help:"flag a record as an attack when the classifier or the anomaly score says so"`
	InputKNN    bool          `yaml:"input_knn" help:"score novelty in the scaled input space instead of the learned one"`
	InputWeight float64       `yaml:"input_weight" help:"anomaly score = learned distance + this times the input-space distance, each over its median on the calibration normals (0: learned only; the equal-weight sum is reported either way)"`
}

// KNNConfig is the kNN classifier over the embedded training split.
type KNNConfig struct {
	K           int     `yaml:"k" help:"neighbours"`
	Temperature float64 `yaml:"temperature" help:"vote weight exp(cos/T)"`
}

// OptimConfig is AdamW with a linear warm-up and cosine decay.
type OptimConfig struct {
	WeightDecay float64 `yaml:"weight_decay" help:"AdamW decoupled weight decay"`
	Warmup      float64 `yaml:"warmup" help:"warm-up length as a fraction of each stage"`
}

// Default returns the configuration of examples/nslkdd.yaml.
func Default() Config {
	return Config{
		Task:  "threat",
		Train: "nslkdd:../shared/data/nslkdd/KDDTrain+_20Percent.txt",
		Test:  "nslkdd:../shared/data/nslkdd/KDDTest+.txt",
		Seed:  1, Val: 0.15,
		Features: FeatureConfig{Categorical: CatEmbedding, EmbedDim: 8},
		Encoder:  EncoderConfig{Hidden: []int{256, 256}, Dim: 128, Norm: NormLayer, Proj: 64},
		SCARF:    SCARFConfig{Epochs: 20, Rate: 0.6, Temperature: 0.5, Batch: 256, LR: 1e-3},
		SupCon: SupConConfig{Epochs: 20, Temperature: 0.1, Rate: 0.2, Batch: 256, LR: 5e-4,
			CEWeight: 1, ClassWeight: WeightSqrt},
		Novelty: NoveltyConfig{Members: 5, Method: NoveltySCARF, Epochs: 5, Rate: 0.2, Negatives: 8, NegRate: 0.3, Temperature: 2,
			LR: 3e-4, Hidden: []int{512, 512}, Norm: NormLayer, EmbedDim: 16, K: 10, FPR: 0.02, Combine: true,
			InputWeight: 0},
		KNN:   KNNConfig{K: 20, Temperature: 0.1},
		Optim: OptimConfig{WeightDecay: 1e-4, Warmup: 0.05},
	}
}

// Validate checks the fields that do not depend on the data.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("threat: "+format, args...)) }
	if c.Task != "" && c.Task != "threat" {
		bad("task: %q, want threat", c.Task)
	}
	for _, s := range []struct{ name, spec string }{{"train", c.Train}, {"test", c.Test}} {
		sp, err := data.ParseSpec(s.spec)
		if err != nil {
			bad("%s: %v", s.name, err)
		} else if sp.Kind != data.KindNSLKDD {
			bad("%s: %q is a %v source, want nslkdd:FILE", s.name, s.spec, sp.Kind)
		}
	}
	if !(c.Val > 0 && c.Val < 1) {
		bad("val_fraction: %v, want a fraction in (0, 1)", c.Val)
	}
	if c.Limit < 0 {
		bad("limit: %d, want >= 0", c.Limit)
	}
	if c.Features.Categorical == CatEmbedding && c.Features.EmbedDim < 1 {
		bad("features.embed_dim: %d, want >= 1", c.Features.EmbedDim)
	}
	for _, h := range c.Encoder.Hidden {
		if h < 1 {
			bad("encoder.hidden: width %d, want >= 1", h)
		}
	}
	if c.Encoder.Dim < 1 || c.Encoder.Proj < 1 {
		bad("encoder.dim %d and encoder.proj %d must be >= 1", c.Encoder.Dim, c.Encoder.Proj)
	}
	stage := func(name string, epochs, batch int, lr, temp, rate float64) {
		if epochs < 0 {
			bad("%s.epochs: %d, want >= 0", name, epochs)
		}
		if batch < 2 {
			bad("%s.batch: %d, want >= 2", name, batch)
		}
		if !(lr > 0) {
			bad("%s.lr: %v, want > 0", name, lr)
		}
		if !(temp > 0) {
			bad("%s.temperature: %v, want > 0", name, temp)
		}
		if !(rate >= 0 && rate <= 1) {
			bad("%s.rate: %v, want a fraction in [0, 1]", name, rate)
		}
	}
	stage("scarf", c.SCARF.Epochs, c.SCARF.Batch, c.SCARF.LR, c.SCARF.Temperature, c.SCARF.Rate)
	stage("supcon", c.SupCon.Epochs, c.SupCon.Batch, c.SupCon.LR, c.SupCon.Temperature, c.SupCon.Rate)
	if c.SupCon.Epochs < 1 {
		bad("supcon.epochs: %d, want >= 1 (the classifier head is trained there)", c.SupCon.Epochs)
	}
	if !(c.SupCon.CEWeight >= 0) {
		bad("supcon.ce_weight: %v, want >= 0", c.SupCon.CEWeight)
	}
	stage("novelty", c.Novelty.Epochs, c.SCARF.Batch, c.Novelty.LR, c.Novelty.Temperature, c.Novelty.Rate)
	for _, h := range c.Novelty.Hidden {
		if h < 1 {
			bad("novelty.hidden: width %d, want >= 1", h)
		}
	}
	switch c.Novelty.Method {
	case NoveltySCARF:
	case NoveltyShifted:
		if c.Novelty.Negatives < 1 || !(c.Novelty.NegRate > 0 && c.Novelty.NegRate <= 1) {
			bad("novelty.negatives %d must be >= 1 and novelty.negative_rate %v in (0, 1]", c.Novelty.Negatives, c.Novelty.NegRate)
		}
	default:
		bad("novelty.method: %v", c.Novelty.Method)
	}
	if c.Novelty.Norm < NormBatch || c.Novelty.Norm > NormNone {
		bad("novelty.norm: %v", c.Novelty.Norm)
	}
	if c.Features.Categorical == CatEmbedding && c.Novelty.EmbedDim < 1 {
		bad("novelty.embed_dim: %d, want >= 1", c.Novelty.EmbedDim)
	}
	if c.Novelty.Members < 0 || c.Novelty.Members > maxMembers {
		bad("novelty.members: %d, want 0 (one encoder) to %d", c.Novelty.Members, maxMembers)
	}
	if c.Novelty.Epochs < 0 || c.Novelty.K < 1 {
		bad("novelty.epochs %d must be >= 0 and novelty.k %d >= 1", c.Novelty.Epochs, c.Novelty.K)
	}
	if w := c.Novelty.InputWeight; !(w >= 0) || math.IsInf(w, 0) {
		bad("novelty.input_weight: %v, want a finite weight >= 0", w)
	}
	if c.Novelty.InputKNN && c.Novelty.InputWeight > 0 {
		bad("novelty.input_knn and novelty.input_weight %v: input_knn scores in the input space alone; set one", c.Novelty.InputWeight)
	}
	if !(c.Novelty.FPR > 0 && c.Novelty.FPR < 1) {
		bad("novelty.fpr: %v, want a fraction in (0, 1)", c.Novelty.FPR)
	}
	if c.KNN.K < 1 || !(c.KNN.Temperature > 0) {
		bad("knn.k %d and knn.temperature %v must be positive", c.KNN.K, c.KNN.Temperature)
	}
	if !(c.Optim.WeightDecay >= 0) || !(c.Optim.Warmup >= 0 && c.Optim.Warmup < 1) {
		bad("optim.weight_decay %v must be >= 0 and optim.warmup %v in [0, 1)", c.Optim.WeightDecay, c.Optim.Warmup)
	}
	return errors.Join(errs...)
}
