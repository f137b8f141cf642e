package threat

import (
	"fmt"
	"math"
	"slices"

	"github.com/contrast-ml/contrast/data"
)

// Pipeline turns connection records (a data.Table) into encoder inputs. It is
// fitted on the training split only and saved with the model, so a new record
// (from a file, a pcap flow or an HTTP request) is encoded exactly as the
// training records were.
//
// Numeric column j becomes ((log1p(v) if Log else v) - Mean) / Std. A column
// is log-scaled when its training values are non-negative and exceed 1: the
// heavy-tailed counts and byte totals (src_bytes spans 0 to 1.3e9), not the
// rates and indicators, which already lie in [0, 1]. Categorical column j
// becomes the index of its value in Levels (the training split's sorted
// levels), and len(Levels) for a value the training split never had.
type Pipeline struct {
	Numeric     []NumericColumn     `json:"numeric"`
	Categorical []CategoricalColumn `json:"categorical"`
}

// NumericColumn is the scaling of one numeric field.
type NumericColumn struct {
	Name string  `json:"name"`
	Log  bool    `json:"log1p"`
	Mean float64 `json:"mean"`
	Std  float64 `json:"std"`
}

// CategoricalColumn is the vocabulary of one categorical field.
type CategoricalColumn struct {
	Name   string   `json:"name"`
	Levels []string `json:"levels"`
}

// FitPipeline fits the scaling on rows of t (nil: every row); noLog turns the
// log scaling off. Only the rows given influence the pipeline.
func FitPipeline(t *data.Table, rows []int, noLog bool) (*Pipeline, error) {
	if rows == nil {
		rows = make([]int, t.Len())
		for i := range rows {
			rows[i] = i
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("threat: fit pipeline: no rows")
	}
	if len(t.Levels) != len(t.CategoricalNames) {
		return nil, fmt.Errorf("threat: fit pipeline: %d categorical columns but %d level lists", len(t.CategoricalNames), len(t.Levels))
	}
	p := &Pipeline{}
	k := len(t.NumericNames)
	for j, name := range t.NumericNames {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range rows {
			v := t.Numeric[r*k+j]
			lo, hi = min(lo, v), max(hi, v)
		}
		c := NumericColumn{Name: name, Log: !noLog && lo >= 0 && hi > 1}
		var sum, sq float64
		for _, r := range rows {
			v := c.transform(t.Numeric[r*k+j])
			sum += v
			sq += v * v
		}
		n := float64(len(rows))
		c.Mean = sum / n
		c.Std = math.Sqrt(max(0, sq/n-c.Mean*c.Mean))
		if !(c.Std > 1e-12) {
			c.Std = 1 // a constant column (num_outbound_cmds is always 0)
		}
		p.Numeric = append(p.Numeric, c)
	}
	kc := len(t.CategoricalNames)
	for j, name := range t.CategoricalNames {
		used := map[string]bool{}
		for _, r := range rows {
			if id := t.Categorical[r*kc+j]; id >= 0 && id < len(t.Levels[j]) {
				used[t.Levels[j][id]] = true
			}
		}
		levels := make([]string, 0, len(used))
		for l := range used {
			levels = append(levels, l)
		}
		slices.Sort(levels)
		p.Categorical = append(p.Categorical, CategoricalColumn{Name: name, Levels: levels})
	}
	return p, nil
}

// transform is the column's scaling before standardisation.
func (c NumericColumn) transform(v float64) float64 {
	if c.Log {
		return math.Log1p(max(v, 0))
	}
	return v
}

// Scale returns the standardised value of v.
func (c NumericColumn) Scale(v float64) float64 { return (c.transform(v) - c.Mean) / c.Std }

// Width is the number of values per encoded row: the numeric columns, then one
// id per categorical column.
func (p *Pipeline) Width() int { return len(p.Numeric) + len(p.Categorical) }

// Vocab returns, per categorical column, its table size: the training levels
// plus one for unseen values.
func (p *Pipeline) Vocab() []int {
	v := make([]int, len(p.Categorical))
	for j, c := range p.Categorical {
		v[j] = len(c.Levels) + 1
	}
	return v
}

// OneHotWidth is the width of the one-hot input: numeric columns plus one
// indicator per training level.
func (p *Pipeline) OneHotWidth() int {
	w := len(p.Numeric)
	for _, c := range p.Categorical {
		w += len(c.Levels)
	}
	return w
}

// Encode returns t's rows as an (n, Width) row-major matrix: the scaled
// numeric values, then each categorical id as a float32 (an exact integer).
// This is the representation SCARF corrupts (a categorical field is replaced
// whole, by another record's level) and that Encoder.Forward reads. Columns
// are matched by name, so t's column order does not matter; a missing column
// is an error.
func (p *Pipeline) Encode(t *data.Table) ([]float32, error) {
	numIdx, err := columnIndex(p.numericNames(), t.NumericNames)
	if err != nil {
		return nil, fmt.Errorf("threat: encode: numeric %w", err)
	}
	catIdx, err := columnIndex(p.categoricalNames(), t.CategoricalNames)
	if err != nil {
		return nil, fmt.Errorf("threat: encode: categorical %w", err)
	}
	if len(t.Levels) != len(t.CategoricalNames) {
		return nil, fmt.Errorf("threat: encode: %d categorical columns but %d level lists", len(t.CategoricalNames), len(t.Levels))
	}
	// remap[j][id] is the pipeline index of the table's level id in column j.
	remap := make([][]int, len(p.Categorical))
	for j, c := range p.Categorical {
		src := t.Levels[catIdx[j]]
		remap[j] = make([]int, len(src))
		for id, l := range src {
			i, ok := slices.BinarySearch(c.Levels, l)
			if !ok {
				i = len(c.Levels)
			}
			remap[j][id] = i
		}
	}
	n, w := t.Len(), p.Width()
	kn, kc := len(t.NumericNames), len(t.CategoricalNames)
	if len(t.Numeric) != n*kn || len(t.Categorical) != n*kc {
		return nil, fmt.Errorf("threat: encode: table of %d rows holds %d numeric and %d categorical values, want %d and %d",
			n, len(t.Numeric), len(t.Categorical), n*kn, n*kc)
	}
	out := make([]float32, n*w)
	for r := range n {
		row := out[r*w : (r+1)*w]
		for j, c := range p.Numeric {
			row[j] = float32(c.Scale(t.Numeric[r*kn+numIdx[j]]))
		}
		for j, c := range p.Categorical {
			id := t.Categorical[r*kc+catIdx[j]]
			v := len(c.Levels)
			if id >= 0 && id < len(remap[j]) {
				v = remap[j][id]
			}
			row[len(p.Numeric)+j] = float32(v)
		}
	}
	return out, nil
}

// OneHot expands encoded rows x (n, Width) into (n, OneHotWidth): the numeric
// values, then the indicators of each categorical column (all zero for an
// unseen level). It is the input space of the plain-kNN baseline and of the
// one-hot encoder.
func (p *Pipeline) OneHot(x []float32) []float32 {
	w, ow, nn := p.Width(), p.OneHotWidth(), len(p.Numeric)
	n := len(x) / w
	out := make([]float32, n*ow)
	for r := range n {
		src, dst := x[r*w:(r+1)*w], out[r*ow:(r+1)*ow]
		copy(dst, src[:nn])
		off := nn
		for j, c := range p.Categorical {
			if id := int(src[nn+j]); id >= 0 && id < len(c.Levels) {
				dst[off+id] = 1
			}
			off += len(c.Levels)
		}
	}
	return out
}

func (p *Pipeline) numericNames() []string {
	s := make([]string, len(p.Numeric))
	for i, c := range p.Numeric {
		s[i] = c.Name
	}
	return s
}

func (p *Pipeline) categoricalNames() []string {
	s := make([]string, len(p.Categorical))
	for i, c := range p.Categorical {
		s[i] = c.Name
	}
	return s
}

// columnIndex returns, for every wanted name, its position in have.
func columnIndex(want, have []string) ([]int, error) {
	pos := make(map[string]int, len(have))
	for i, h := range have {
		pos[h] = i
	}
	idx := make([]int, len(want))
	for i, w := range want {
		j, ok := pos[w]
		if !ok {
			return nil, fmt.Errorf("column %q missing from the table (it has %v)", w, have)
		}
		idx[i] = j
	}
	return idx, nil
}

// validate checks a pipeline read from a file.
func (p *Pipeline) validate() error {
	if len(p.Numeric)+len(p.Categorical) == 0 {
		return fmt.Errorf("no columns")
	}
	for _, c := range p.Numeric {
		if c.Name == "" || math.IsNaN(c.Mean) || math.IsInf(c.Mean, 0) || !(c.Std > 0) || math.IsInf(c.Std, 0) {
			return fmt.Errorf("numeric column %q: mean %v, std %v", c.Name, c.Mean, c.Std)
		}
	}
	if len(p.Numeric) > maxWidth || len(p.Categorical) > 64 {
		return fmt.Errorf("%d numeric and %d categorical columns", len(p.Numeric), len(p.Categorical))
	}
	for _, c := range p.Categorical {
		if len(c.Levels) >= maxWidth {
			return fmt.Errorf("categorical column %q has %d levels", c.Name, len(c.Levels))
		}
		if c.Name == "" || !slices.IsSorted(c.Levels) {
			return fmt.Errorf("categorical column %q: levels must be sorted", c.Name)
		}
	}
	return nil
}
