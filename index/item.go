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

// validateItem checks an item against the index dimension; the error names the
// item by position and ID.
func validateItem(i int, it *Item, dim int) error {
	if it.ID == "" {
		return fmt.Errorf("index: item %d: empty ID", i)
	}
	if len(it.ID) > maxIDLen {
		return fmt.Errorf("index: item %d: ID of %d bytes exceeds %d", i, len(it.ID), maxIDLen)
	}
	if len(it.Vector) != dim {
		return fmt.Errorf("index: item %d (%q): vector has dimension %d, index has %d", i, it.ID, len(it.Vector), dim)
	}
	for j, v := range it.Vector {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("index: item %d (%q): vector[%d] is %v", i, it.ID, j, v)
		}
	}
	if len(it.Meta) > maxMetaLen {
		return fmt.Errorf("index: item %d (%q): metadata of %d bytes exceeds %d", i, it.ID, len(it.Meta), maxMetaLen)
	}
	if len(it.Meta) > 0 && !json.Valid(it.Meta) {
		return fmt.Errorf("index: item %d (%q): metadata is not valid JSON", i, it.ID)
	}
	return nil
}

func validateItems(items []Item, dim int) error {
	seen := make(map[string]int, len(items))
	for i := range items {
		if err := validateItem(i, &items[i], dim); err != nil {
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
	for j, v := range q {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("index: query[%d] is %v", j, v)
		}
	}
	return nil
}
