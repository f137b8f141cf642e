package text

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// ModelSpec is the architecture of a Model, saved as model.json beside the
// weights; with the vocabulary file it rebuilds the model for loading.
type ModelSpec struct {
	Format     string      `json:"format"`
	Encoder    EncoderKind `json:"encoder"`
	Weighting  Weighting   `json:"weighting"`
	Tokenizer  Tokenizer   `json:"tokenizer"`
	NGrams     NGrams      `json:"ngrams"`
	MaxLen     int         `json:"max_len"`
	WordDim    int         `json:"word_dim"`
	Vocab      int         `json:"vocab"`  // trainable words
	Frozen     int         `json:"frozen"` // fixed pre-trained words
	Hidden     []int       `json:"hidden,omitempty"`
	Out        int         `json:"out"`
	Activation Activation  `json:"activation"`
	Dropout    float64     `json:"dropout"`
	Layers     int         `json:"layers,omitempty"`
	Heads      int         `json:"heads,omitempty"`
	ModelDim   int         `json:"model_dim,omitempty"`
	FFN        int         `json:"ffn,omitempty"`
	// RemovePC removes that many common directions from the embeddings (see
	// removeCommon).
	RemovePC int `json:"remove_pc,omitempty"`
	// Anchor > 0 appends the fixed SIF view of the pre-trained vectors, scaled
	// by Anchor, to the trained embedding (see anchor).
	Anchor float64 `json:"anchor,omitempty"`
	Seed   uint64  `json:"seed"`
}

// specFormat names the checkpoint layout.
const specFormat = "contrast-text/1"

// Dim is the embedding dimension the spec produces.
func (s ModelSpec) Dim() int {
	d := s.baseDim()
	if s.Anchor > 0 {
		d += s.WordDim
	}
	return d
}

// baseDim is the dimension of the body's output.
func (s ModelSpec) baseDim() int {
	switch {
	case s.Out > 0:
		return s.Out
	case s.Encoder == Transformer:
		return s.ModelDim
	}
	return s.WordDim
}

// Model is a sentence encoder: token vectors from a trainable word table
// (vocabulary and hashed n-gram buckets, "words.weight", (Vocab+Buckets,
// WordDim)) and a fixed table of pre-trained words ("frozen.weight",
// (Frozen, WordDim)), then a bag-of-words or Transformer body: (n sentences)
// -> (n, Dim()).
type Model struct {
	Spec   ModelSpec
	Feat   *Featurizer
	Words  *ag.Var // trainable
	Frozen *ag.Var // constant; nil when Spec.Frozen is 0
	weight *tensor.Tensor
	body   body
	anchor *anchor        // nil unless Spec.Anchor > 0
	common *tensor.Tensor // (RemovePC, base dim), nil when RemovePC is 0
	// commonOff skips the removal in training forward passes (Config
	// encoder.pc_in_training false); evaluation always applies it.
	commonOff bool
	training  bool
}

// body is the part of a model after the word lookup.
type body interface {
	// encode maps the featurized sentences to (len(sents), dim).
	encode(t *ag.Tape, m *Model, sents [][]unit) *ag.Var
	params() []*ag.Var
	setTraining(bool)
}

// NewModel builds a model for spec with its featurizer; words and frozen
// initialise the two tables ((Vocab+Buckets, WordDim) and (Frozen, WordDim);
// nil gives N(0, 0.4) and zeros) and weights the pooling weights (nil: all 1).
func NewModel(spec ModelSpec, feat *Featurizer, words, frozen *tensor.Tensor, rng *rand.Rand) (*Model, error) {
	if spec.WordDim < 1 || spec.Vocab < 0 || spec.Frozen < 0 {
		return nil, fmt.Errorf("text: model: word_dim %d, vocab %d, frozen %d", spec.WordDim, spec.Vocab, spec.Frozen)
	}
	if err := spec.NGrams.Validate(); err != nil {
		return nil, err
	}
	if feat.Vocab.Len() != spec.Vocab || frozenLen(feat) != spec.Frozen {
		return nil, fmt.Errorf("text: model: spec has %d+%d words, featurizer %d+%d", spec.Vocab, spec.Frozen, feat.Vocab.Len(), frozenLen(feat))
	}
	rows := spec.Vocab + spec.NGrams.Buckets
	if words == nil {
		words = tensor.New(rows, spec.WordDim).Normal(rng, 0, 0.4)
	}
	if !sameShape(words, rows, spec.WordDim) {
		return nil, fmt.Errorf("text: model: word table %v, want [%d %d]", words.Shape, rows, spec.WordDim)
	}
	m := &Model{Spec: spec, Feat: feat, Words: ag.Param("words.weight", words)}
	if spec.Frozen > 0 {
		if frozen == nil {
			frozen = tensor.New(spec.Frozen, spec.WordDim)
		}
		if !sameShape(frozen, spec.Frozen, spec.WordDim) {
			return nil, fmt.Errorf("text: model: frozen table %v, want [%d %d]", frozen.Shape, spec.Frozen, spec.WordDim)
		}
		m.Frozen = ag.Const(frozen)
	}
	m.weight = tensor.Full(1, spec.Vocab+spec.Frozen)
	if feat.Weights != nil {
		if len(feat.Weights) != spec.Vocab+spec.Frozen {
			return nil, fmt.Errorf("text: model: %d pooling weights for %d words", len(feat.Weights), spec.Vocab+spec.Frozen)
		}
		copy(m.weight.Data, feat.Weights)
	}
	feat.NGrams, feat.MaxLen = spec.NGrams, spec.MaxLen
	var err error
	switch spec.Encoder {
	case BagOfWords:
		m.body, err = newBOW(spec, rng)
	case Transformer:
		m.body, err = newTransformer(spec, rng)
	default:
		err = fmt.Errorf("text: model: unknown encoder %v", spec.Encoder)
	}
	if err != nil {
		return nil, err
	}
	if spec.Anchor > 0 {
		m.anchor = newAnchor(spec)
	}
	if spec.RemovePC < 0 || spec.RemovePC >= spec.baseDim() {
		return nil, fmt.Errorf("text: model: remove_pc %d for embeddings of dimension %d", spec.RemovePC, spec.baseDim())
	}
	m.common = newCommon(spec)
	return m, nil
}

func frozenLen(f *Featurizer) int {
	if f.Frozen == nil {
		return 0
	}
	return f.Frozen.Len()
}

func sameShape(t *tensor.Tensor, r, c int) bool {
	return t.Dims() == 2 && t.Shape[0] == r && t.Shape[1] == c
}

// Dim returns the embedding dimension.
func (m *Model) Dim() int { return m.Spec.Dim() }

// Params returns the trainable parameters: the word table first.
func (m *Model) Params() []*ag.Var { return append([]*ag.Var{m.Words}, m.body.params()...) }

// Buffers returns the fixed tensors saved with the model: the frozen table and
// the pooling weights.
func (m *Model) Buffers() []*nn.Buffer {
	bs := []*nn.Buffer{{Name: "token_weight", Value: m.weight}}
	if m.Frozen != nil {
		bs = append(bs, &nn.Buffer{Name: "frozen.weight", Value: m.Frozen.Value})
	}
	if m.common != nil {
		bs = append(bs, &nn.Buffer{Name: "common.weight", Value: m.common})
	}
	if a := m.anchor; a != nil {
		bs = append(bs, &nn.Buffer{Name: "anchor.words", Value: a.words.Value},
			&nn.Buffer{Name: "anchor.weight", Value: a.weight}, &nn.Buffer{Name: "anchor.pc", Value: a.pc})
	}
	return bs
}

// SetTraining switches dropout on or off.
func (m *Model) SetTraining(training bool) {
	m.training = training
	m.body.setTraining(training)
}

// Encode returns the embeddings (len(sentences), Dim()) of sentences on t.
func (m *Model) Encode(t *ag.Tape, sentences []string) *ag.Var {
	us := make([][]unit, len(sentences))
	for i, s := range sentences {
		us[i] = m.Feat.units(s)
	}
	return m.encodeUnits(t, us)
}

// encodeUnits is Encode on featurized sentences.
func (m *Model) encodeUnits(t *ag.Tape, us [][]unit) *ag.Var {
	z := m.body.encode(t, m, us)
	if !(m.training && m.commonOff) {
		z = m.removeCommon(t, z)
	}
	if m.anchor == nil {
		return z
	}
	s := t.L2Normalize(m.anchor.embed(t, m, us), 1e-12)
	return t.Concat(1, t.L2Normalize(z, 1e-12), t.Scale(s, float32(m.Spec.Anchor)))
}

// lookup sums the bags over both tables: (bags, WordDim).
func (m *Model) lookup(t *ag.Tape, b *bags) *ag.Var {
	y := t.EmbeddingBag(m.Words, b.ids, b.offs, b.w)
	if m.Frozen != nil && len(b.fids) > 0 {
		y = t.Add(y, t.EmbeddingBag(m.Frozen, b.fids, b.foffs, b.fw))
	}
	return y
}

// projection builds Linear layers through hidden to out (nil when out is 0),
// named "proj.0", "proj.2", ... as a torch.nn.Sequential.
func projection(in int, hidden []int, out int, act Activation, rng *rand.Rand) (*nn.Sequential, error) {
	if out == 0 {
		return nil, nil
	}
	var layers []nn.Module
	for _, h := range append(append([]int(nil), hidden...), out) {
		if len(layers) > 0 {
			a, err := activation(act)
			if err != nil {
				return nil, err
			}
			layers = append(layers, a)
		}
		l, err := nn.NewLinear(in, h, true, rng)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
		in = h
	}
	return nn.Prefix("proj", nn.NewSequential(layers...)), nil
}

func activation(a Activation) (nn.Module, error) {
	switch a {
	case ReLU:
		return nn.ReLU{}, nil
	case GELU:
		return nn.GELU{}, nil
	case Tanh:
		return nn.Tanh{}, nil
	}
	return nil, fmt.Errorf("text: unknown activation %v", a)
}
