package recommend

import (
	"fmt"
	"slices"
	"strings"
)

// Correction chooses the logit correction of the in-batch sampled softmax.
type Correction int

// The corrections.
const (
	// LogQ subtracts log Q(j), the probability that item j is sampled into a
	// batch as a target, from every logit of key j (Yi et al. 2019, RecSys).
	LogQ Correction = iota
	// NoCorrection uses the raw in-batch softmax, which over-penalises
	// popular items (they are sampled as negatives more often).
	NoCorrection
)

var correctionNames = []string{"logq", "none"}

func (c Correction) String() string { return enumString(correctionNames, int(c), "Correction") }

// MarshalText writes the correction's name.
func (c Correction) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText parses a correction name.
func (c *Correction) UnmarshalText(b []byte) error {
	return enumParse(correctionNames, "correction", b, (*int)(c))
}

// Pooling chooses how the user tower pools the item embeddings of a history.
type Pooling int

// The poolings.
const (
	// Mean averages the last model.history items equally.
	Mean Pooling = iota
	// Recency weighs the item k steps before the end by 2^(-k/half_life), as the
	// exponential decay of time-aware item-based models (Ding & Li 2005,
	// "Time Weight Collaborative Filtering", CIKM).
	Recency
)

var poolingNames = []string{"mean", "recency"}

func (p Pooling) String() string { return enumString(poolingNames, int(p), "Pooling") }

// MarshalText writes the pooling's name.
func (p Pooling) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses a pooling name.
func (p *Pooling) UnmarshalText(b []byte) error {
	return enumParse(poolingNames, "pooling", b, (*int)(p))
}

func enumString(names []string, i int, typ string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

func enumParse(names []string, what string, b []byte, dst *int) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	if i := slices.Index(names, s); i >= 0 {
		*dst = i
		return nil
	}
	return fmt.Errorf("unknown %s %q (want %s)", what, s, strings.Join(names, ", "))
}
