package text

import "github.com/contrast-ml/contrast/internal/enum"

// EncoderKind names the sentence encoder architecture.
type EncoderKind int

// The encoders.
const (
	// BagOfWords pools the word vectors of a sentence (mean or SIF-weighted) and
	// projects the result with a linear layer or an MLP.
	BagOfWords EncoderKind = iota
	// Transformer runs a small pre-LN Transformer encoder over the word vectors
	// (multi-head self-attention with padding masks, learned positions) and
	// mean-pools its outputs.
	Transformer
)

var encoderNames = enum.Table{Type: "EncoderKind", What: "encoder", Names: []string{"bow", "transformer"}}

func (k EncoderKind) String() string { return encoderNames.String(int(k)) }

// MarshalText writes the encoder's name.
func (k EncoderKind) MarshalText() ([]byte, error) { return encoderNames.Marshal(int(k)) }

// UnmarshalText parses an encoder name.
func (k *EncoderKind) UnmarshalText(b []byte) error {
	return encoderNames.Parse(b, (*int)(k))
}

// Weighting chooses how token vectors are weighted when pooled.
type Weighting int

// The weightings.
const (
	// Mean gives every token the same weight.
	Mean Weighting = iota
	// SIF weighs a word w by a/(a + p(w)), p its frequency in the training text
	// (smooth inverse frequency, Arora, Liang & Ma 2017, "A Simple but
	// Tough-to-Beat Baseline for Sentence Embeddings", ICLR), so that frequent
	// function words count less. The common-component removal of that paper is
	// left out: the trained projection can learn it.
	SIF
)

var weightingNames = enum.Table{Type: "Weighting", What: "weighting", Names: []string{"mean", "sif"}}

func (w Weighting) String() string { return weightingNames.String(int(w)) }

// MarshalText writes the weighting's name.
func (w Weighting) MarshalText() ([]byte, error) { return weightingNames.Marshal(int(w)) }

// UnmarshalText parses a weighting name.
func (w *Weighting) UnmarshalText(b []byte) error {
	return weightingNames.Parse(b, (*int)(w))
}

// Objective names the training loss.
type Objective int

// The objectives.
const (
	// CoSENTLoss ranks the cosines of scored pairs like their gold scores
	// (Su 2022; loss.CoSENT).
	CoSENTLoss Objective = iota
	// CosineRegression fits the cosine of each scored pair to its score scaled to
	// [0, 1] by mean squared error (Reimers & Gurevych 2019, arXiv 1908.10084).
	CosineRegression
	// InBatchNegatives is the symmetric multiple-negatives ranking loss on
	// paraphrase pairs (Henderson et al. 2017, arXiv 1705.00652): each sentence
	// must pick its partner among the batch's other sentences, both ways
	// (loss.InfoNCE with temperature 1/scale).
	InBatchNegatives
	// SimCSE is unsupervised: two dropout views of each training sentence are
	// the positive pair, the batch's other sentences the negatives (Gao, Yao &
	// Chen 2021, arXiv 2104.08821).
	SimCSE
)

var objectiveNames = enum.Table{Type: "Objective", What: "objective", Names: []string{"cosent", "cosine", "mnrl", "simcse"}}

func (o Objective) String() string { return objectiveNames.String(int(o)) }

// MarshalText writes the objective's name.
func (o Objective) MarshalText() ([]byte, error) { return objectiveNames.Marshal(int(o)) }

// UnmarshalText parses an objective name.
func (o *Objective) UnmarshalText(b []byte) error {
	return objectiveNames.Parse(b, (*int)(o))
}

// Activation names the hidden activation of the projection MLP.
type Activation int

// The activations.
const (
	ReLU Activation = iota
	GELU
	Tanh
)

var activationNames = enum.Table{Type: "Activation", What: "activation", Names: []string{"relu", "gelu", "tanh"}}

func (a Activation) String() string { return activationNames.String(int(a)) }

// MarshalText writes the activation's name.
func (a Activation) MarshalText() ([]byte, error) { return activationNames.Marshal(int(a)) }

// UnmarshalText parses an activation name.
func (a *Activation) UnmarshalText(b []byte) error {
	return activationNames.Parse(b, (*int)(a))
}

// OptimKind names the optimizer.
type OptimKind int

// The optimizers.
const (
	Adam OptimKind = iota
	AdamW
)

var optimNames = enum.Table{Type: "OptimKind", What: "optimizer", Names: []string{"adam", "adamw"}}

func (k OptimKind) String() string { return optimNames.String(int(k)) }

// MarshalText writes the optimizer's name.
func (k OptimKind) MarshalText() ([]byte, error) { return optimNames.Marshal(int(k)) }

// UnmarshalText parses an optimizer name.
func (k *OptimKind) UnmarshalText(b []byte) error {
	return optimNames.Parse(b, (*int)(k))
}
