package data

import (
	"fmt"
	"slices"
)

// Category is the attack category of an NSL-KDD record (Tavallaee et al. 2009):
// normal traffic or one of the four attack families of the DARPA 1998/1999
// evaluations.
type Category int

const (
	CategoryNormal  Category = iota // normal traffic
	CategoryDoS                     // denial of service (neptune, smurf, back, ...)
	CategoryProbe                   // surveillance and probing (satan, ipsweep, nmap, portsweep, ...)
	CategoryR2L                     // remote to local (guess_passwd, warezmaster, ...)
	CategoryU2R                     // user to root (buffer_overflow, rootkit, ...)
	CategoryUnknown                 // an attack name with no known category
)

// NumCategories is the number of known categories, normal through u2r; their
// values 0..4 can serve as class labels.
const NumCategories = 5

// String returns "normal", "dos", "probe", "r2l", "u2r" or "unknown".
func (c Category) String() string {
	switch c {
	case CategoryNormal:
		return "normal"
	case CategoryDoS:
		return "dos"
	case CategoryProbe:
		return "probe"
	case CategoryR2L:
		return "r2l"
	case CategoryU2R:
		return "u2r"
	case CategoryUnknown:
		return "unknown"
	}
	return fmt.Sprintf("Category(%d)", int(c))
}

// ParseCategory parses the names String returns, case-insensitively.
func ParseCategory(s string) (Category, error) {
	for c := CategoryNormal; c <= CategoryUnknown; c++ {
		if equalFoldTrim(s, c.String()) {
			return c, nil
		}
	}
	return CategoryUnknown, fmt.Errorf("category %q, want normal, dos, probe, r2l, u2r or unknown", s)
}

// CategoryNames returns the names of the known categories, indexed by value.
func CategoryNames() []string {
	n := make([]string, NumCategories)
	for c := range Category(NumCategories) {
		n[c] = c.String()
	}
	return n
}

// Table is a tabular data set with numeric and categorical columns and attack
// labels: NSL-KDD connection records (Tavallaee et al. 2009, "A Detailed
// Analysis of the KDD CUP 99 Data Set", CISDA). Columns keep the file's order
// within each kind.
type Table struct {
	NumericNames []string
	Numeric      []float64 // (Len, len(NumericNames)) row-major

	CategoricalNames []string
	Categorical      []int      // (Len, len(CategoricalNames)) row-major; index into Levels[j], or -1 (see AlignLevels)
	Levels           [][]string // per categorical column, its values in sorted order

	Attack     []string   // per row: "normal" or the attack name, e.g. "neptune"
	Category   []Category // per row: the attack's category
	Difficulty []int      // per row: NSL-KDD difficulty level (0-21), -1 when the file has none
}

// Len returns the number of rows.
func (t *Table) Len() int { return len(t.Attack) }

// NumericRow returns row i's numeric values, sharing memory with Numeric.
func (t *Table) NumericRow(i int) []float64 {
	k := len(t.NumericNames)
	return t.Numeric[i*k : (i+1)*k : (i+1)*k]
}

// CategoricalRow returns row i's level indices, sharing memory with Categorical.
func (t *Table) CategoricalRow(i int) []int {
	k := len(t.CategoricalNames)
	return t.Categorical[i*k : (i+1)*k : (i+1)*k]
}

// Subset returns a copy holding rows idx, in that order. It panics if an index
// is out of range.
func (t *Table) Subset(idx []int) *Table {
	kn, kc := len(t.NumericNames), len(t.CategoricalNames)
	out := &Table{
		NumericNames: t.NumericNames, CategoricalNames: t.CategoricalNames, Levels: t.Levels,
		Numeric: make([]float64, 0, len(idx)*kn), Categorical: make([]int, 0, len(idx)*kc),
		Attack: make([]string, 0, len(idx)), Category: make([]Category, 0, len(idx)), Difficulty: make([]int, 0, len(idx)),
	}
	for _, i := range idx {
		if i < 0 || i >= t.Len() {
			panic(fmt.Sprintf("data: Table.Subset: index %d out of range [0, %d)", i, t.Len()))
		}
		out.Numeric = append(out.Numeric, t.NumericRow(i)...)
		out.Categorical = append(out.Categorical, t.CategoricalRow(i)...)
		out.Attack = append(out.Attack, t.Attack[i])
		out.Category = append(out.Category, t.Category[i])
		out.Difficulty = append(out.Difficulty, t.Difficulty[i])
	}
	return out
}

// AlignLevels re-indexes t's categorical columns to ref's levels, so that a
// test table encodes "tcp" or "http" with the same index as the training
// table. Values that ref has never seen become -1 (an all-zero one-hot row).
// The categorical column names must match.
func (t *Table) AlignLevels(ref *Table) error {
	if !slices.Equal(t.CategoricalNames, ref.CategoricalNames) {
		return fmt.Errorf("data: AlignLevels: categorical columns %v differ from the reference's %v", t.CategoricalNames, ref.CategoricalNames)
	}
	k := len(t.CategoricalNames)
	remap := make([][]int, k)
	for j := range k {
		pos := map[string]int{}
		for i, v := range ref.Levels[j] {
			pos[v] = i
		}
		remap[j] = make([]int, len(t.Levels[j]))
		for i, v := range t.Levels[j] {
			if p, ok := pos[v]; ok {
				remap[j][i] = p
			} else {
				remap[j][i] = -1
			}
		}
	}
	for r := range t.Len() {
		row := t.CategoricalRow(r)
		for j, v := range row {
			if v >= 0 {
				row[j] = remap[j][v]
			}
		}
	}
	t.Levels = ref.Levels
	return nil
}

// AttackLabels returns the attack of each row as a class index into names,
// the distinct attack names in sorted order.
func (t *Table) AttackLabels() (labels []int, names []string) {
	names = slices.Clone(t.Attack)
	slices.Sort(names)
	names = slices.Compact(names)
	pos := make(map[string]int, len(names))
	for i, n := range names {
		pos[n] = i
	}
	labels = make([]int, t.Len())
	for i, a := range t.Attack {
		labels[i] = pos[a]
	}
	return labels, names
}

// CategoryLabels returns each row's Category as an int (0 normal .. 4 u2r, 5
// unknown); see CategoryNames.
func (t *Table) CategoryLabels() []int {
	l := make([]int, t.Len())
	for i, c := range t.Category {
		l[i] = int(c)
	}
	return l
}
