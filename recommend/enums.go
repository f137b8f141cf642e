package recommend

import "github.com/contrast-ml/contrast/internal/enum"

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

var correctionNames = enum.Table{Type: "Correction", What: "correction", Names: []string{"logq", "none"}}

func (c Correction) String() string { return correctionNames.String(int(c)) }

// MarshalText writes the correction's name.
func (c Correction) MarshalText() ([]byte, error) { return correctionNames.Marshal(int(c)) }

// UnmarshalText parses a correction name.
func (c *Correction) UnmarshalText(b []byte) error {
	return correctionNames.Parse(b, (*int)(c))
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

var poolingNames = enum.Table{Type: "Pooling", What: "pooling", Names: []string{"mean", "recency"}}

func (p Pooling) String() string { return poolingNames.String(int(p)) }

// MarshalText writes the pooling's name.
func (p Pooling) MarshalText() ([]byte, error) { return poolingNames.Marshal(int(p)) }

// UnmarshalText parses a pooling name.
func (p *Pooling) UnmarshalText(b []byte) error {
	return poolingNames.Parse(b, (*int)(p))
}
