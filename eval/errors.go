package eval

import "errors"

// Sentinel errors, wrapped with context by every function; test with errors.Is.
var (
	// ErrEmpty: an input has no rows, no columns or no elements.
	ErrEmpty = errors.New("empty input")
	// ErrShape: a Matrix's data length disagrees with its shape, or two inputs disagree
	// (different numbers of columns, labels or scores).
	ErrShape = errors.New("shape mismatch")
	// ErrNonFinite: an input holds NaN or ±Inf.
	ErrNonFinite = errors.New("non-finite value")
	// ErrConfig: a configuration field is out of range.
	ErrConfig = errors.New("invalid configuration")
	// ErrUndefined: the metric is mathematically undefined for this input
	// (e.g. ROC-AUC with a single class, Pearson correlation of a constant).
	ErrUndefined = errors.New("metric undefined for this input")
)
