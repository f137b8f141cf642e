package threat

import (
	"fmt"
	"strings"
)

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

func (c CatEncoding) String() string {
	switch c {
	case CatEmbedding:
		return "embedding"
	case CatOneHot:
		return "onehot"
	}
	return fmt.Sprintf("CatEncoding(%d)", int(c))
}

// MarshalText writes the encoding's name.
func (c CatEncoding) MarshalText() ([]byte, error) { return marshalEnum(c, c >= 0 && c <= CatOneHot) }

// UnmarshalText parses "embedding" or "onehot".
func (c *CatEncoding) UnmarshalText(b []byte) error {
	return parseEnum(b, "categorical encoding", []CatEncoding{CatEmbedding, CatOneHot}, c)
}

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

func (n NormKind) String() string {
	switch n {
	case NormBatch:
		return "batch"
	case NormLayer:
		return "layer"
	case NormNone:
		return "none"
	}
	return fmt.Sprintf("NormKind(%d)", int(n))
}

// MarshalText writes the normalisation's name.
func (n NormKind) MarshalText() ([]byte, error) { return marshalEnum(n, n >= 0 && n <= NormNone) }

// UnmarshalText parses "batch", "layer" or "none".
func (n *NormKind) UnmarshalText(b []byte) error {
	return parseEnum(b, "normalisation", []NormKind{NormBatch, NormLayer, NormNone}, n)
}

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

func (w ClassWeight) String() string {
	switch w {
	case WeightSqrt:
		return "sqrt"
	case WeightBalanced:
		return "balanced"
	case WeightNone:
		return "none"
	}
	return fmt.Sprintf("ClassWeight(%d)", int(w))
}

// MarshalText writes the weighting's name.
func (w ClassWeight) MarshalText() ([]byte, error) {
	return marshalEnum(w, w >= 0 && w <= WeightNone)
}

// UnmarshalText parses "sqrt", "balanced" or "none".
func (w *ClassWeight) UnmarshalText(b []byte) error {
	return parseEnum(b, "class weight", []ClassWeight{WeightSqrt, WeightBalanced, WeightNone}, w)
}

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

func (m NoveltyMethod) String() string {
	switch m {
	case NoveltySCARF:
		return "scarf"
	case NoveltyShifted:
		return "shifted"
	}
	return fmt.Sprintf("NoveltyMethod(%d)", int(m))
}

// MarshalText writes the method's name.
func (m NoveltyMethod) MarshalText() ([]byte, error) {
	return marshalEnum(m, m >= 0 && m <= NoveltyShifted)
}

// UnmarshalText parses "scarf" or "shifted".
func (m *NoveltyMethod) UnmarshalText(b []byte) error {
	return parseEnum(b, "novelty method", []NoveltyMethod{NoveltySCARF, NoveltyShifted}, m)
}

func marshalEnum(v fmt.Stringer, ok bool) ([]byte, error) {
	if !ok {
		return nil, fmt.Errorf("threat: cannot marshal %v", v)
	}
	return []byte(v.String()), nil
}

func parseEnum[E fmt.Stringer](b []byte, what string, all []E, dst *E) error {
	s := strings.TrimSpace(string(b))
	names := make([]string, len(all))
	for i, v := range all {
		if strings.EqualFold(s, v.String()) {
			*dst = v
			return nil
		}
		names[i] = v.String()
	}
	return fmt.Errorf("threat: unknown %s %q (want %s)", what, s, strings.Join(names, ", "))
}
