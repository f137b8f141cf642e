// Package enum is the text form of the int-backed enumerations that
// configuration and model files name (train.Method, threat.NormKind, ...):
// each type keeps a table of lower-case names indexed by its values. String
// falls back to Type(i) for a value outside the table, MarshalText refuses
// one (so that no file names a value it cannot read back), and UnmarshalText
// accepts a name in any case with surrounding space, or fails with the list
// of names.
package enum

import (
	"fmt"
	"slices"
	"strings"
)

// Table names the values 0, 1, ... of one enumeration.
type Table struct {
	Type  string   // the Go type, for String's fallback: "NormKind"
	What  string   // what a value chooses, for errors: "normalisation"
	Names []string // lower case, indexed by value
}

// String returns the name of value i, or Type(i) when i has none.
func (t Table) String(i int) string {
	if i >= 0 && i < len(t.Names) {
		return t.Names[i]
	}
	return fmt.Sprintf("%s(%d)", t.Type, i)
}

// Marshal returns the name of value i, or an error when i has none.
func (t Table) Marshal(i int) ([]byte, error) {
	if i < 0 || i >= len(t.Names) {
		return nil, fmt.Errorf("cannot write %s(%d): no such %s", t.Type, i, t.What)
	}
	return []byte(t.Names[i]), nil
}

// Parse sets *dst to the value named b (case and surrounding space ignored).
func (t Table) Parse(b []byte, dst *int) error {
	s := strings.ToLower(strings.TrimSpace(string(b)))
	if i := slices.Index(t.Names, s); i >= 0 {
		*dst = i
		return nil
	}
	return fmt.Errorf("unknown %s %q (want one of %s)", t.What, strings.TrimSpace(string(b)), strings.Join(t.Names, ", "))
}
