package text

import (
	"cmp"
	"fmt"
	"slices"
)

// Counter counts token occurrences in training text.
type Counter map[string]int

// Add counts tokens.
func (c Counter) Add(tokens []string) {
	for _, w := range tokens {
		c[w]++
	}
}

// Vocab maps words to dense ids 0..Len()-1, most frequent first.
type Vocab struct {
	Words  []string
	Counts []int // training-text occurrences of each word (0 for words added without counts)
	index  map[string]int
}

// BuildVocab returns the words counted at least minCount times, plus those for
// which extra returns true whatever their count (e.g. words that have a
// pre-trained vector; nil for none). Words are ordered by decreasing count,
// ties by byte order, so the same counts always give the same ids.
func BuildVocab(c Counter, minCount int, extra func(string) bool) (*Vocab, error) {
	if minCount < 1 {
		return nil, fmt.Errorf("text: vocabulary minimum count %d, want >= 1", minCount)
	}
	type wc struct {
		w string
		n int
	}
	var list []wc
	for w, n := range c {
		if n >= minCount || (extra != nil && extra(w)) {
			list = append(list, wc{w, n})
		}
	}
	slices.SortFunc(list, func(a, b wc) int {
		if a.n != b.n {
			return cmp.Compare(b.n, a.n)
		}
		return cmp.Compare(a.w, b.w)
	})
	words, counts := make([]string, len(list)), make([]int, len(list))
	for i, e := range list {
		words[i], counts[i] = e.w, e.n
	}
	return NewVocab(words, counts)
}

// NewVocab returns a vocabulary of the given words (ids in order) and counts
// (nil for all zero). It fails on an empty or repeated word.
func NewVocab(words []string, counts []int) (*Vocab, error) {
	if counts == nil {
		counts = make([]int, len(words))
	}
	if len(counts) != len(words) {
		return nil, fmt.Errorf("text: vocabulary of %d words with %d counts", len(words), len(counts))
	}
	v := &Vocab{Words: words, Counts: counts, index: make(map[string]int, len(words))}
	for i, w := range words {
		if w == "" {
			return nil, fmt.Errorf("text: vocabulary word %d is empty", i)
		}
		if j, dup := v.index[w]; dup {
			return nil, fmt.Errorf("text: vocabulary word %q appears twice (ids %d and %d)", w, j, i)
		}
		v.index[w] = i
	}
	return v, nil
}

// Len returns the number of words.
func (v *Vocab) Len() int { return len(v.Words) }

// ID returns the id of w and whether w is in the vocabulary.
func (v *Vocab) ID(w string) (int, bool) {
	id, ok := v.index[w]
	return id, ok
}

// Total returns the sum of the counts.
func (v *Vocab) Total() int {
	n := 0
	for _, c := range v.Counts {
		n += c
	}
	return n
}
