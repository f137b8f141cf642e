package text

import (
	"fmt"
	"strings"
)

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

var encoderNames = []string{"bow", "transformer"}

func (k EncoderKind) String() string { return enumString(encoderNames, int(k), "EncoderKind") }

// MarshalText writes the encoder's name.
func (k EncoderKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses an encoder name.
func (k *EncoderKind) UnmarshalText(b []byte) error {
	return enumParse(encoderNames, "encoder", b, (*int)(k))
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

var weightingNames = []string{"mean", "sif"}

func (w Weighting) String() string { return enumString(weightingNames, int(w), "Weighting") }

// MarshalText writes the weighting's name.
func (w Weighting) MarshalText() ([]byte, error) { return []byte(w.String()), nil }

// UnmarshalText parses a weighting name.
func (w *Weighting) UnmarshalText(b []byte) error {
	return enumParse(weightingNames, "weighting", b, (*int)(w))
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

var objectiveNames = []string{"cosent", "cosine", "mnrl", "simcse"}

func (o Objective) String() string { return enumString(objectiveNames, int(o), "Objective") }

// MarshalText writes the objective's name.
func (o Objective) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText parses an objective name.
func (o *Objective) UnmarshalText(b []byte) error {
	return enumParse(objectiveNames, "objective", b, (*int)(o))
}

// Activation names the hidden activation of the projection MLP.
type Activation int

// The activations.
const (
	ReLU Activation = iota
	GELU
	Tanh
)

var activationNames = []string{"relu", "gelu", "tanh"}

func (a Activation) String() string { return enumString(activationNames, int(a), "Activation") }

// MarshalText writes the activation's name.
func (a Activation) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText parses an activation name.
func (a *Activation) UnmarshalText(b []byte) error {
	return enumParse(activationNames, "activation", b, (*int)(a))
}

// OptimKind names the optimizer.
type OptimKind int

// The optimizers.
const (
	Adam OptimKind = iota
	AdamW
)

var optimNames = []string{"adam", "adamw"}

func (k OptimKind) String() string { return enumString(optimNames, int(k), "OptimKind") }

// MarshalText writes the optimizer's name.
func (k OptimKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText parses an optimizer name.
func (k *OptimKind) UnmarshalText(b []byte) error {
	return enumParse(optimNames, "optimizer", b, (*int)(k))
}

func enumString(names []string, i int, typ string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

func enumParse(names []string, what string, b []byte, dst *int) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	for i, n := range names {
		if n == s {
			*dst = i
			return nil
		}
	}
	return fmt.Errorf("text: unknown %s %q (want one of %s)", what, b, strings.Join(names, ", "))
}
