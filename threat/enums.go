package threat

import "github.com/contrast-ml/contrast/internal/enum"

// CatEncoding chooses how the categorical fields (protocol_type, service, flag)
// enter the encoder.
type CatEncoding int

const (
	// CatEmbedding looks each field up in a learned table (one extra row for
	// levels the training split never saw).
	CatEmbedding CatEncoding = iota
	// CatOneHot appends one indicator per training level (all zero for an
	// unseen level).
	CatOneHot
)

var catNames = enum.Table{Type: "CatEncoding", What: "categorical encoding", Names: []string{"embedding", "onehot"}}

func (c CatEncoding) String() string { return catNames.String(int(c)) }

// MarshalText writes the encoding's name.
func (c CatEncoding) MarshalText() ([]byte, error) { return catNames.Marshal(int(c)) }

// UnmarshalText parses "embedding" or "onehot".
func (c *CatEncoding) UnmarshalText(b []byte) error { return catNames.Parse(b, (*int)(c)) }

// NormKind chooses the normalisation after each hidden layer of the encoder.
type NormKind int

const (
	// NormBatch is BatchNorm1d (Ioffe & Szegedy 2015, arXiv 1502.03167).
	NormBatch NormKind = iota
	// NormLayer is LayerNorm (Ba, Kiros & Hinton 2016, arXiv 1607.06450).
	NormLayer
	// NormNone uses no normalisation.
	NormNone
)

var normNames = enum.Table{Type: "NormKind", What: "normalisation", Names: []string{"batch", "layer", "none"}}

func (n NormKind) String() string { return normNames.String(int(n)) }

// MarshalText writes the normalisation's name.
func (n NormKind) MarshalText() ([]byte, error) { return normNames.Marshal(int(n)) }

// UnmarshalText parses "batch", "layer" or "none".
func (n *NormKind) UnmarshalText(b []byte) error { return normNames.Parse(b, (*int)(n)) }

// ClassWeight chooses the per-class weights of the classifier's cross-entropy.
type ClassWeight int

const (
	// WeightSqrt weighs class c by sqrt(n / (C·n_c)): halfway (in log scale)
	// between no weighting and balanced, so that u2r's dozen records do not
	// dominate the loss.
	WeightSqrt ClassWeight = iota
	// WeightBalanced weighs class c by n / (C·n_c) (scikit-learn's "balanced").
	WeightBalanced
	// WeightNone gives every class weight 1.
	WeightNone
)

var weightNames = enum.Table{Type: "ClassWeight", What: "class weight", Names: []string{"sqrt", "balanced", "none"}}

func (w ClassWeight) String() string { return weightNames.String(int(w)) }

// MarshalText writes the weighting's name.
func (w ClassWeight) MarshalText() ([]byte, error) { return weightNames.Marshal(int(w)) }

// UnmarshalText parses "sqrt", "balanced" or "none".
func (w *ClassWeight) UnmarshalText(b []byte) error { return weightNames.Parse(b, (*int)(w)) }

// NoveltyMethod chooses the objective of the novelty encoder, which sees
// normal records only.
type NoveltyMethod int

const (
	// NoveltySCARF is SCARF (Bahri et al. 2022, arXiv 2106.15147): NT-Xent
	// between a record and a corrupted copy, the other records of the batch
	// as negatives.
	NoveltySCARF NoveltyMethod = iota
	// NoveltyShifted contrasts each record with a lightly corrupted copy
	// (the positive) and heavily corrupted copies of itself (the negatives),
	// never with other records: see ShiftedContrast.
	NoveltyShifted
)

var noveltyNames = enum.Table{Type: "NoveltyMethod", What: "novelty method", Names: []string{"scarf", "shifted"}}

func (m NoveltyMethod) String() string { return noveltyNames.String(int(m)) }

// MarshalText writes the method's name.
func (m NoveltyMethod) MarshalText() ([]byte, error) { return noveltyNames.Marshal(int(m)) }

// UnmarshalText parses "scarf" or "shifted".
func (m *NoveltyMethod) UnmarshalText(b []byte) error { return noveltyNames.Parse(b, (*int)(m)) }
