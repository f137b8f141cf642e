package index

import (
	"encoding/json"
	"fmt"
	"math"
)

// Item is one stored vector with its string ID and optional JSON metadata.
type Item struct {
	ID     string          `json:"id"`
	Vector []float32       `json:"vector"`
	Meta   json.RawMessage `json:"meta,omitempty"`
}

// Result is one search hit. Score is the metric's natural score (cosine
// similarity, inner product, or squared L2 distance); results are ordered best
// first. With quantization and no re-ranking, scores are computed on codes and
// are approximate once the quantizer is fitted; before that (fewer than
// MinQuantFit live items, see Quantization) they are exact. Meta aliases the
// index's copy and must not be modified.
type Result struct {
	ID    string          `json:"id"`
	Score float32         `json:"score"`
	Meta  json.RawMessage `json:"meta,omitempty"`
}

// Params tunes one search. The zero value searches everything with the index's
// defaults.
type Params struct {
	// Filter, when set, restricts results to items whose metadata matches.
	Filter *Filter
	// Ef is HNSW's candidate-list size for this search (0: Config.Ef; raised to
	// k when smaller). At Ef >= the number of stored vectors HNSW scans them
	// all: exact for float32 storage (a quantised index's too, before its
	// fit), exact over the codes (then re-ranked) with quantization, as Flat.
	// Flat ignores it.
	Ef int
}

// maxIDLen bounds item IDs (they are length-prefixed with 16 bits on disk).
const maxIDLen = 1<<16 - 1

// maxMetaLen bounds the metadata of one item.
const maxMetaLen = 1 << 24

// validateItem checks an item against the index dimension, and its vector
// with checkVec; the error names the item by position and ID.
func validateItem(i int, it *Item, dim int, checkVec func([]float32) error) error {
	if it.ID == "" {
		return fmt.Errorf("index: item %d: empty ID", i)
	}
	if len(it.ID) > maxIDLen {
		return fmt.Errorf("index: item %d: ID of %d bytes exceeds %d", i, len(it.ID), maxIDLen)
	}
	if len(it.Vector) != dim {
		return fmt.Errorf("index: item %d (%q): vector has dimension %d, index has %d", i, it.ID, len(it.Vector), dim)
	}
	if err := checkVec(it.Vector); err != nil {
		return fmt.Errorf("index: item %d (%q): %w", i, it.ID, err)
	}
	if len(it.Meta) > maxMetaLen {
		return fmt.Errorf("index: item %d (%q): metadata of %d bytes exceeds %d", i, it.ID, len(it.Meta), maxMetaLen)
	}
	if len(it.Meta) > 0 && !json.Valid(it.Meta) {
		return fmt.Errorf("index: item %d (%q): metadata is not valid JSON", i, it.ID)
	}
	return nil
}

// validateItems checks the items of a write: each (see validateItem, with
// CheckVector) and that no two share an ID.
func validateItems(items []Item, dim int) error { return checkItems(items, dim, CheckVector) }

// validateLogged checks the items of a log record as validateItems does, but
// their vectors for finite components only: a record replays what its write
// was acknowledged with, and logs written before CheckVector bounded the
// norm may hold vectors past MaxSquaredNorm; refusing them would make the
// whole DB unopenable.
func validateLogged(items []Item, dim int) error { return checkItems(items, dim, checkFinite) }

// validateWrite checks the items of a *Flat or *HNSW upsert: fully when the
// index fits its own quantizer (auto: a bare index's Upsert), and as logged
// otherwise (a DB's write, which DB.upsert validated fully, or its replay of
// a log record, see validateLogged).
func validateWrite(items []Item, dim int, auto bool) error {
	if auto {
		return validateItems(items, dim)
	}
	return validateLogged(items, dim)
}

func checkItems(items []Item, dim int, checkVec func([]float32) error) error {
	seen := make(map[string]int, len(items))
	for i := range items {
		if err := validateItem(i, &items[i], dim, checkVec); err != nil {
			return err
		}
		if j, dup := seen[items[i].ID]; dup {
			return fmt.Errorf("index: items %d and %d share the ID %q", j, i, items[i].ID)
		}
		seen[items[i].ID] = i
	}
	return nil
}

func validateQuery(q []float32, k, dim int) error {
	if len(q) != dim {
		return fmt.Errorf("index: query has dimension %d, index has %d", len(q), dim)
	}
	if k <= 0 {
		return fmt.Errorf("index: k must be positive, got %d", k)
	}
	if err := CheckVector(q); err != nil {
		return fmt.Errorf("index: query: %w", err)
	}
	return nil
}

// MaxSquaredNorm is the largest squared Euclidean norm ||v||² that CheckVector
// accepts, an eighth of the largest float32. Scores are float32: under Dot,
// |q·x| <= ||q||·||x||, and under L2, ||q-x||² <= 2||q||² + 2||x||² (also
// computed as ||q||² + ||x||² - 2q·x), so with both norms within the bound
// every score stays below half of math.MaxFloat32, with room for rounding;
// under Cosine the norm that normalises a vector stays finite. Vectors past
// it gave +Inf scores (which JSON cannot carry), or normalised to zeros.
const MaxSquaredNorm = math.MaxFloat32 / 8

// CheckVector reports why v cannot be stored in an index or used as a query:
// a NaN or infinite component, or a squared norm above MaxSquaredNorm (finite
// components whose float32 scores would overflow). Every write and query of
// Flat, HNSW and DB applies it; callers that hold many vectors (index build,
// the server's request decoding) can apply it first to name the row at fault.
func CheckVector(v []float32) error {
	if err := checkFinite(v); err != nil {
		return err
	}
	var sq float64 // float64: the sum of float32 squares cannot overflow it
	for _, x := range v {
		sq += float64(x) * float64(x)
	}
	if sq > MaxSquaredNorm {
		return fmt.Errorf("vector's squared norm %.3g exceeds %.3g: its scores would overflow float32", sq, float64(MaxSquaredNorm))
	}
	return nil
}

// checkFinite reports the first NaN or infinite component of v.
func checkFinite(v []float32) error {
	for j, x := range v {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return fmt.Errorf("vector[%d] is %v", j, x)
		}
	}
	return nil
}
