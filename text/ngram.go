package text

import "fmt"

// NGrams represents a word by hashed character n-grams, as fastText does for
// its subword vectors (Bojanowski et al. 2017, "Enriching Word Vectors with
// Subword Information", arXiv 1607.04606): the word is wrapped in "<" and ">",
// every substring of Min..Max runes is hashed with 32-bit FNV-1a and taken
// modulo Buckets. A word whose wrapped form is shorter than Min runes is one
// n-gram (itself). Unknown words get the mean of their n-gram vectors, so
// "unhappiness" lands near "happiness" without ever being seen.
type NGrams struct {
	Min     int `json:"min"`
	Max     int `json:"max"`
	Buckets int `json:"buckets"`
}

// Validate checks 1 <= Min <= Max and Buckets >= 1.
func (g NGrams) Validate() error {
	if g.Min < 1 || g.Max < g.Min || g.Buckets < 1 {
		return fmt.Errorf("text: n-grams: min %d, max %d, buckets %d; want 1 <= min <= max and buckets >= 1", g.Min, g.Max, g.Buckets)
	}
	return nil
}

// Append appends the bucket of every n-gram of word to dst (repeats kept, in
// order of start position, then length) and returns it.
func (g NGrams) Append(dst []int, word string) []int {
	rs := make([]rune, 0, len(word)+2)
	rs = append(rs, '<')
	rs = append(rs, []rune(word)...)
	rs = append(rs, '>')
	if len(rs) < g.Min {
		return append(dst, g.bucket(string(rs)))
	}
	// Byte offsets of each rune, to hash substrings without re-encoding.
	s := string(rs)
	offs := make([]int, 0, len(rs)+1)
	for i := range s {
		offs = append(offs, i)
	}
	offs = append(offs, len(s))
	for i := range rs {
		for n := g.Min; n <= g.Max && i+n <= len(rs); n++ {
			dst = append(dst, g.bucket(s[offs[i]:offs[i+n]]))
		}
	}
	return dst
}

func (g NGrams) bucket(s string) int { return int(fnv1a(s) % uint32(g.Buckets)) }

// fnv1a is the 32-bit FNV-1a hash of s.
func fnv1a(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
