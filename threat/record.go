package threat

import (
	"fmt"
	"math"
	"slices"

	"github.com/contrast-ml/contrast/data"
)

// Record is one connection record in NSL-KDD's feature space, field by field:
// the numeric fields by name (duration, src_bytes, count, ...) and the
// categorical ones (protocol_type, service, flag). A numeric field that is
// absent reads as 0 and a categorical one as a level the model has never
// seen. Flows from a capture become Records (Flow.Record); so do JSON bodies
// sent to a server.
type Record struct {
	Numeric     map[string]float64 `json:"numeric"`
	Categorical map[string]string  `json:"categorical"`
}

// TableOf lays records out as a data.Table with NSL-KDD's 41 fields (in
// DefaultNSLKDDSchema order), attack "unknown" and category
// data.CategoryUnknown. It fails on a field name that NSL-KDD does not have
// or a value that is not finite.
func TableOf(recs []Record) (*data.Table, error) {
	schema := data.DefaultNSLKDDSchema()
	t := &data.Table{}
	numeric, symbolic := map[string]bool{}, map[string]int{}
	for _, f := range schema.Fields {
		if f.Symbolic {
			symbolic[f.Name] = len(t.CategoricalNames)
			t.CategoricalNames = append(t.CategoricalNames, f.Name)
		} else {
			numeric[f.Name] = true
			t.NumericNames = append(t.NumericNames, f.Name)
		}
	}
	levels := make([]map[string]bool, len(t.CategoricalNames))
	for j := range levels {
		levels[j] = map[string]bool{}
	}
	for i, r := range recs {
		for name, v := range r.Numeric {
			if !numeric[name] {
				return nil, fmt.Errorf("threat: record %d: %q is not a numeric NSL-KDD field", i, name)
			}
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("threat: record %d: %s = %v", i, name, v)
			}
		}
		for name, v := range r.Categorical {
			j, ok := symbolic[name]
			if !ok {
				return nil, fmt.Errorf("threat: record %d: %q is not a categorical NSL-KDD field", i, name)
			}
			levels[j][v] = true
		}
	}
	t.Levels = make([][]string, len(levels))
	for j, set := range levels {
		for l := range set {
			t.Levels[j] = append(t.Levels[j], l)
		}
		slices.Sort(t.Levels[j])
	}
	for _, r := range recs {
		for _, name := range t.NumericNames {
			t.Numeric = append(t.Numeric, r.Numeric[name])
		}
		for j, name := range t.CategoricalNames {
			id := -1
			if v, ok := r.Categorical[name]; ok {
				id, _ = slices.BinarySearch(t.Levels[j], v)
			}
			t.Categorical = append(t.Categorical, id)
		}
		t.Attack = append(t.Attack, "unknown")
		t.Category = append(t.Category, data.CategoryUnknown)
		t.Difficulty = append(t.Difficulty, -1)
	}
	return t, nil
}
