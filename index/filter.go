package index

import (
	"encoding/json"
	"fmt"
	"math/bits"
	"sync"
)

// Filter restricts a search to items whose JSON metadata is an object whose
// top-level field Field equals Equals, compared as JSON values (so 1 equals
// 1.0, and object key order does not matter). Its JSON form is
// {"field":"genre","equals":"jazz"}.
type Filter struct {
	Field  string          `json:"field"`
	Equals json.RawMessage `json:"equals"`
}

// ParseFilter decodes a filter from its JSON form and validates it.
func ParseFilter(b []byte) (*Filter, error) {
	var f Filter
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("index: parse filter: %w", err)
	}
	if _, err := f.canonical(); err != nil {
		return nil, err
	}
	return &f, nil
}

// canonical validates f and returns the canonical encoding of Equals.
func (f *Filter) canonical() (string, error) {
	if f.Field == "" {
		return "", fmt.Errorf("index: filter: empty field")
	}
	if len(f.Equals) == 0 {
		return "", fmt.Errorf("index: filter on %q: missing value to equal", f.Field)
	}
	c, ok := canonicalJSON(f.Equals)
	if !ok {
		return "", fmt.Errorf("index: filter on %q: value %q is not valid JSON", f.Field, clipString(string(f.Equals), 40))
	}
	return c, nil
}

// canonicalJSON re-encodes a JSON value so that equal values encode equally
// (numbers as float64, object keys sorted, no whitespace).
func canonicalJSON(raw []byte) (string, bool) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "", false
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", false
	}
	return string(b), true
}

func clipString(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// fieldValue returns the canonical value of meta's top-level field, or "" when
// meta is not an object or lacks the field.
func fieldValue(meta []byte, field string) string {
	if len(meta) == 0 || meta[0] != '{' {
		return ""
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(meta, &obj) != nil {
		return ""
	}
	raw, ok := obj[field]
	if !ok {
		return ""
	}
	c, _ := canonicalJSON(raw)
	return c
}

// bitset is a set of slots.
type bitset []uint64

func (b bitset) has(i uint32) bool { return int(i>>6) < len(b) && b[i>>6]&(1<<(i&63)) != 0 }

func (b *bitset) set(i uint32) {
	for int(i>>6) >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[i>>6] |= 1 << (i & 63)
}

func (b bitset) clear(i uint32) {
	if int(i>>6) < len(b) {
		b[i>>6] &^= 1 << (i & 63)
	}
}

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// fieldIndex caches, for one metadata field, each slot's canonical value and
// the slot sets of the values searched so far.
type fieldIndex struct {
	vals []string // slot -> canonical value; "" for absent fields and dead slots
	sets map[string]bitset
}

// filterCache holds the field indexes built lazily by filtered searches. Its
// mutex guards the maps against concurrent searches (which hold the index's
// read lock); writers, holding the index's write lock, keep it up to date
// through update and truncate.
type filterCache struct {
	mu     sync.Mutex
	fields map[string]*fieldIndex
}

// match returns the set of live slots matching f and its size. The set is
// shared: it must only be read, and only while the caller holds the index's
// read lock.
func (c *filterCache) match(f *Filter, s *store) (bitset, int, error) {
	want, err := f.canonical()
	if err != nil {
		return nil, 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fields == nil {
		c.fields = map[string]*fieldIndex{}
	}
	fi := c.fields[f.Field]
	if fi == nil {
		fi = &fieldIndex{vals: make([]string, s.n()), sets: map[string]bitset{}}
		for i := range fi.vals {
			if !s.dead[i] {
				fi.vals[i] = fieldValue(s.meta[i], f.Field)
			}
		}
		c.fields[f.Field] = fi
	}
	set, ok := fi.sets[want]
	if !ok {
		set = make(bitset, (len(fi.vals)+63)/64)
		for i, v := range fi.vals {
			if v == want {
				set.set(uint32(i))
			}
		}
		fi.sets[want] = set
	}
	return set, set.count(), nil
}

// update recomputes the cached values of slot after it was written or killed.
func (c *filterCache) update(s *store, slot uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for field, fi := range c.fields {
		for int(slot) >= len(fi.vals) {
			fi.vals = append(fi.vals, "")
		}
		old := fi.vals[slot]
		v := ""
		if !s.dead[slot] {
			v = fieldValue(s.meta[slot], field)
		}
		fi.vals[slot] = v
		if set, ok := fi.sets[old]; ok && old != "" {
			set.clear(slot)
		}
		if set, ok := fi.sets[v]; ok && v != "" {
			set.set(slot)
			fi.sets[v] = set
		}
	}
}

// truncate forgets slots >= n.
func (c *filterCache) truncate(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, fi := range c.fields {
		if n < len(fi.vals) {
			for i := n; i < len(fi.vals); i++ {
				if set, ok := fi.sets[fi.vals[i]]; ok {
					set.clear(uint32(i))
				}
			}
			fi.vals = fi.vals[:n]
		}
	}
}
