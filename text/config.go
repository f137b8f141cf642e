package text

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/contrast-ml/contrast/data"
)

// Config is a text-similarity training run, as written in YAML
// (examples/sts.yaml) and, field by field, as flags.
type Config struct {
	Task     string `yaml:"task" help:"task: text (sentence similarity)"`
	Seed     uint64 `yaml:"seed" help:"seed of every random source"`
	DataRoot string `yaml:"data_root" help:"directory that relative data paths are read from"`
	// Train lists the training sources (data spec strings): scored pairs for
	// cosent/cosine, pairs whose scaled score reaches loss.positive_min for
	// mnrl, every sentence for simcse.
	Train []string `yaml:"train" help:"training data specs (sick:FILE, sts:FILE_OR_DIR, msrp:FILE, pairs:FILE)"`
	// Valid and Test are NAME=SPEC entries: NAME keys the metrics
	// (spearman_NAME, or spearman_NAME_SOURCE and spearman_NAME_mean for a
	// source with several files).
	Valid    []string `yaml:"valid" help:"validation sets NAME=SPEC; the best epoch maximises their mean Spearman"`
	Test     []string `yaml:"test" help:"test sets NAME=SPEC, evaluated once with the best epoch's model"`
	Epochs   int      `yaml:"epochs" help:"training epochs"`
	Batch    int      `yaml:"batch" help:"pairs (or sentences, simcse) per step"`
	Patience int      `yaml:"patience" help:"stop after this many epochs without a better validation score (0 = never)"`
	// AverageFrom averages the weights at the end of every epoch from this one
	// on (stochastic weight averaging); the average is kept when it validates
	// better than the best single epoch (best_epoch 0 in the metrics).
	AverageFrom int             `yaml:"average_from" help:"average the weights of the epochs from this one on (0 = off); kept if it validates better"`
	Tokenizer   TokenizerConfig `yaml:"tokenizer"`
	GloVe       GloVeConfig     `yaml:"glove"`
	Encoder     EncoderConfig   `yaml:"encoder"`
	Loss        LossConfig      `yaml:"loss"`
	Optim       OptimConfig     `yaml:"optim"`
}

// TokenizerConfig sets the tokenizer, the vocabulary and the subword buckets.
type TokenizerConfig struct {
	Lower     bool `yaml:"lower" help:"lower-case text (Unicode-aware)"`
	Clitics   bool `yaml:"clitics" help:"split English clitics (don't -> do n't), as GloVe's tokenisation"`
	KeepPunct bool `yaml:"keep_punct" help:"keep punctuation and symbols as tokens"`
	MinCount  int  `yaml:"min_count" help:"words seen fewer times in training text get no vector of their own (unless GloVe has one)"`
	MaxLen    int  `yaml:"max_len" help:"tokens kept per sentence (transformer positions)"`
	NGramMin  int  `yaml:"ngram_min" help:"shortest character n-gram of unknown words"`
	NGramMax  int  `yaml:"ngram_max" help:"longest character n-gram of unknown words"`
	Buckets   int  `yaml:"buckets" help:"hashed n-gram buckets (trainable rows for unknown words)"`
}

// GloVeConfig chooses the pre-trained word vectors.
type GloVeConfig struct {
	Path string `yaml:"path" help:"word-vector file from 'contrast data fetch glove' (auto = the default cache file; empty = random initialisation)"`
	// Frozen keeps the vectors of that many of GloVe's most frequent words that
	// the training text lacks, fixed, so that test words unseen in training still
	// have a vector.
	Frozen int `yaml:"frozen" help:"most frequent GloVe words outside the training vocabulary kept as fixed vectors"`
}

// EncoderConfig is the architecture.
type EncoderConfig struct {
	Kind      EncoderKind `yaml:"kind" help:"encoder: bow (pooled word vectors + projection) or transformer"`
	Weighting Weighting   `yaml:"weighting" help:"token weights when pooling: mean or sif"`
	SIFA      float64     `yaml:"sif_a" help:"SIF smoothing a in a/(a + p(w))"`
	// EnsembleSIFA trains one model per value, each with that SIF a (and the
	// next seed), and combines them as an Ensemble (empty: one model).
	EnsembleSIFA []float64 `yaml:"ensemble_sif_a" help:"train an ensemble: one member per SIF a value (empty = one model)"`
	// SIFGloVe estimates p(w) from GloVe's frequency ranks (Zipf's law), which
	// reflect 6 billion tokens rather than the training text.
	SIFGloVe   bool       `yaml:"sif_glove" help:"SIF: word frequencies from GloVe's ranks (Zipf's law) instead of the training text"`
	WordDim    int        `yaml:"word_dim" help:"word-vector dimension (GloVe's, 100, when a GloVe file is given)"`
	InitStd    float64    `yaml:"init_std" help:"std of randomly initialised word and n-gram vectors (0 = GloVe's std, or 0.4 without GloVe)"`
	Hidden     []int      `yaml:"hidden" help:"hidden widths of the projection MLP (empty = linear)"`
	Out        int        `yaml:"out" help:"embedding dimension after the projection (0 = no projection)"`
	Activation Activation `yaml:"activation" help:"MLP activation: relu, gelu, tanh"`
	Dropout    float64    `yaml:"dropout" help:"dropout on pooled vectors (bow) or inside the layers (transformer); needed by simcse"`
	// WordDropout leaves each token out of a training sentence with this
	// probability (at least one token stays), as Iyyer et al. 2015's deep
	// averaging networks do.
	WordDropout float64 `yaml:"word_dropout" help:"training only: drop each token with this probability"`
	// RemovePC removes the first principal directions of the training
	// sentences' embeddings (SIF's common component), refitted every epoch.
	RemovePC     int  `yaml:"remove_pc" help:"common directions removed from the embeddings (0 = none)"`
	PCInTraining bool `yaml:"pc_in_training" help:"also remove them in training forward passes (else only when evaluating)"`
	// Anchor appends the fixed SIF embedding of the GloVe vectors, times
	// Anchor, to the trained one (0 = off; needs GloVe).
	Anchor     float64 `yaml:"anchor" help:"weight of the fixed GloVe SIF view appended to the embedding (0 = off; needs glove.path)"`
	AnchorSIFA float64 `yaml:"anchor_sif_a" help:"SIF a of the anchor view (word frequencies from GloVe's ranks)"`
	Layers     int     `yaml:"layers" help:"transformer layers"`
	Heads      int     `yaml:"heads" help:"attention heads"`
	ModelDim   int     `yaml:"model_dim" help:"transformer width"`
	FFN        int     `yaml:"ffn" help:"transformer feed-forward width"`
}

// LossConfig is the objective.
type LossConfig struct {
	Kind  Objective `yaml:"kind" help:"objective: cosent, cosine, mnrl, simcse"`
	Scale float64   `yaml:"scale" help:"cosine scale of cosent (20) and inverse temperature of mnrl/simcse"`
	// PositiveMin selects paraphrase pairs for mnrl: scaled score (0..1) at least this.
	PositiveMin float64 `yaml:"positive_min" help:"mnrl: pairs whose score, scaled to [0, 1], reaches this are positives"`
	// MSEWeight adds that multiple of the cosine-regression loss to cosent.
	MSEWeight  float64 `yaml:"mse_weight" help:"cosent: add this times the cosine-regression (MSE) loss"`
	BothOrders bool    `yaml:"both_orders" help:"train on (a, b) and (b, a) of every pair"`
	BySource   bool    `yaml:"by_source" help:"draw each batch from one training source (scores of one scale)"`
}

// OptimConfig is the optimizer and its schedule.
type OptimConfig struct {
	Kind        OptimKind `yaml:"kind" help:"optimizer: adam or adamw"`
	LR          float64   `yaml:"lr" help:"peak learning rate"`
	WordLRScale float64   `yaml:"word_lr_scale" help:"learning-rate multiplier for the word and n-gram vectors"`
	// WordDecay pulls each word vector a batch uses back toward its initial
	// (pre-trained) value: w -= lr·decay·(w - w0), so fine-tuned words stay in
	// the space of the frozen ones.
	WordDecay float64 `yaml:"word_decay" help:"decay of word vectors toward their initial values (sparse_words only)"`
	// SparseWords updates only the word-table rows a batch used (lazy Adam);
	// false runs the dense Adam of package optim over the whole table.
	SparseWords bool    `yaml:"sparse_words" help:"lazy Adam on the word table: update only the rows each batch used (much faster)"`
	WeightDecay float64 `yaml:"weight_decay" help:"weight decay (not applied to word vectors, biases and norms)"`
	Warmup      float64 `yaml:"warmup" help:"linear warm-up, as a fraction of training"`
	Cosine      bool    `yaml:"cosine" help:"cosine decay to min_lr after warm-up (else constant)"`
	MinLR       float64 `yaml:"min_lr" help:"learning rate at the end of the cosine decay"`
}

// Default returns the recipe of the PyTorch stand-in (mean pooling, a
// linear 100 -> 300 projection, CoSENT with scale 20, Adam 1e-3, batch 64,
// both pair orders, 20 epochs, on SICK train), except that its word vectors
// are random until glove.path names GloVe, which the stand-in fine-tunes:
// examples/sts.yaml sets it to auto.
func Default() Config {
	return Config{
		Task: "text", Seed: 1, DataRoot: "../shared/data/text",
		Train:  []string{"sick:sick2014/SICK_train.txt"},
		Valid:  []string{"sick_trial=sick:sick2014/SICK_trial.txt"},
		Test:   []string{"sick_test=sick:sick2014/SICK_test_annotated.txt"},
		Epochs: 20, Batch: 64,
		Tokenizer: TokenizerConfig{Lower: true, Clitics: true, MinCount: 2, MaxLen: 64, NGramMin: 3, NGramMax: 5, Buckets: 4096},
		GloVe:     GloVeConfig{Frozen: 100000},
		Encoder: EncoderConfig{Kind: BagOfWords, Weighting: Mean, SIFA: 1e-3, WordDim: 100, Out: 300, Activation: ReLU, AnchorSIFA: 1e-3,
			Layers: 2, Heads: 4, ModelDim: 128, FFN: 256},
		Loss:  LossConfig{Kind: CoSENTLoss, Scale: 20, PositiveMin: 0.8, BothOrders: true, BySource: true},
		Optim: OptimConfig{Kind: Adam, LR: 1e-3, WordLRScale: 1, SparseWords: true},
	}
}

var setName = regexp.MustCompile(`^[a-z0-9_]+$`)

// Validate checks the fields that do not depend on the data.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Task != "" && c.Task != "text" {
		bad("task: %q, want text", c.Task)
	}
	if len(c.Train) == 0 {
		bad("train: no training data")
	}
	for _, s := range c.Train {
		if _, err := data.ParseSpec(s); err != nil {
			bad("train: %v", err)
		}
	}
	for _, list := range []struct {
		key string
		v   []string
	}{{"valid", c.Valid}, {"test", c.Test}} {
		seen := map[string]bool{}
		for _, s := range list.v {
			name, spec, err := ParseNamedSpec(s)
			if err != nil {
				bad("%s: %v", list.key, err)
				continue
			}
			if seen[name] {
				bad("%s: name %q used twice", list.key, name)
			}
			seen[name] = true
			if _, err := data.ParseSpec(spec); err != nil {
				bad("%s: %v", list.key, err)
			}
		}
	}
	if c.Epochs < 1 {
		bad("epochs: %d, want >= 1", c.Epochs)
	}
	if c.Batch < 2 {
		bad("batch: %d, want >= 2", c.Batch)
	}
	if c.AverageFrom < 0 {
		bad("average_from: %d, want >= 0", c.AverageFrom)
	}
	if c.Patience < 0 {
		bad("patience: %d, want >= 0", c.Patience)
	}
	t := c.Tokenizer
	if t.MinCount < 1 {
		bad("tokenizer.min_count: %d, want >= 1", t.MinCount)
	}
	if t.MaxLen < 1 {
		bad("tokenizer.max_len: %d, want >= 1", t.MaxLen)
	}
	if err := (NGrams{Min: t.NGramMin, Max: t.NGramMax, Buckets: t.Buckets}).Validate(); err != nil {
		bad("tokenizer: %v", err)
	}
	if c.GloVe.Frozen < 0 {
		bad("glove.frozen: %d, want >= 0", c.GloVe.Frozen)
	}
	e := c.Encoder
	if e.WordDim < 1 {
		bad("encoder.word_dim: %d, want >= 1", e.WordDim)
	}
	if !(e.SIFA > 0) {
		bad("encoder.sif_a: %v, want > 0", e.SIFA)
	}
	if !(e.InitStd >= 0) || math.IsInf(e.InitStd, 0) {
		bad("encoder.init_std: %v, want >= 0", e.InitStd)
	}
	for _, h := range e.Hidden {
		if h < 1 {
			bad("encoder.hidden: %v, want positive widths", e.Hidden)
			break
		}
	}
	if e.Out < 0 || (len(e.Hidden) > 0 && e.Out == 0) {
		bad("encoder.out: %d, want >= 0 (and > 0 with hidden layers)", e.Out)
	}
	if !(e.Anchor >= 0) || math.IsInf(e.Anchor, 0) || !(e.AnchorSIFA > 0) {
		bad("encoder.anchor %v and anchor_sif_a %v: want anchor >= 0 and anchor_sif_a > 0", e.Anchor, e.AnchorSIFA)
	}
	if e.Anchor > 0 && c.GloVe.Path == "" {
		bad("encoder.anchor needs glove.path")
	}
	for _, a := range e.EnsembleSIFA {
		if !(a > 0) || math.IsInf(a, 0) {
			bad("encoder.ensemble_sif_a: %v, want positive values", e.EnsembleSIFA)
			break
		}
	}
	if e.RemovePC < 0 {
		bad("encoder.remove_pc: %d, want >= 0", e.RemovePC)
	}
	if !(e.WordDropout >= 0 && e.WordDropout < 1) {
		bad("encoder.word_dropout: %v, want [0, 1)", e.WordDropout)
	}
	if !(e.Dropout >= 0 && e.Dropout < 1) {
		bad("encoder.dropout: %v, want [0, 1)", e.Dropout)
	}
	if e.Kind == Transformer {
		if e.Layers < 1 || e.Heads < 1 || e.ModelDim < 1 || e.FFN < 1 || e.ModelDim%max(e.Heads, 1) != 0 {
			bad("encoder: transformer needs layers, heads, model_dim, ffn >= 1 and model_dim divisible by heads, got %d, %d, %d, %d",
				e.Layers, e.Heads, e.ModelDim, e.FFN)
		}
	}
	l := c.Loss
	if !(l.Scale > 0) || math.IsInf(l.Scale, 0) {
		bad("loss.scale: %v, want > 0", l.Scale)
	}
	if !(l.PositiveMin >= 0 && l.PositiveMin <= 1) {
		bad("loss.positive_min: %v, want [0, 1]", l.PositiveMin)
	}
	if l.Kind == SimCSE && e.Dropout == 0 {
		bad("loss.kind simcse needs encoder.dropout > 0 (the two views differ only by dropout)")
	}
	o := c.Optim
	if !(o.LR > 0) {
		bad("optim.lr: %v, want > 0", o.LR)
	}
	if !(o.WordLRScale > 0) {
		bad("optim.word_lr_scale: %v, want > 0", o.WordLRScale)
	}
	if !(o.WordDecay >= 0) || (o.WordDecay > 0 && !o.SparseWords) {
		bad("optim.word_decay: %v, want >= 0 (and optim.sparse_words)", o.WordDecay)
	}
	if !(l.MSEWeight >= 0) {
		bad("loss.mse_weight: %v, want >= 0", l.MSEWeight)
	}
	if !(o.WeightDecay >= 0) {
		bad("optim.weight_decay: %v, want >= 0", o.WeightDecay)
	}
	if !(o.Warmup >= 0 && o.Warmup < 1) {
		bad("optim.warmup: %v, want a fraction in [0, 1)", o.Warmup)
	}
	if !(o.MinLR >= 0) {
		bad("optim.min_lr: %v, want >= 0", o.MinLR)
	}
	return errors.Join(errs...)
}

// ParseNamedSpec splits "NAME=SPEC" (NAME of [a-z0-9_]); a bare SPEC gets a
// name made from its file name ("sick:x/SICK_trial.txt" -> "sick_trial").
func ParseNamedSpec(s string) (name, spec string, err error) {
	s = strings.TrimSpace(s)
	if i, j := strings.IndexByte(s, '='), strings.IndexByte(s, ':'); i > 0 && (j < 0 || i < j) {
		name, spec = s[:i], s[i+1:]
		if !setName.MatchString(name) {
			return "", "", fmt.Errorf("set name %q: want lower-case letters, digits and _", name)
		}
		return name, spec, nil
	}
	sp, err := data.ParseSpec(s)
	if err != nil {
		return "", "", err
	}
	return metricName(sp.Path), s, nil
}

// metricName turns a file or source name into a metric-key part: the base name
// without extension and without a ".test"/".train" suffix, lower-cased, runs
// of other characters as "_".
func metricName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	for _, ext := range []string{".tsv", ".txt", ".csv", ".jsonl", ".test", ".train"} {
		p = strings.TrimSuffix(p, ext)
	}
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(p) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	return strings.TrimSuffix(b.String(), "_")
}
