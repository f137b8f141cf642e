package recommend

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// The text fields of an item, each pooled separately so that a movie with
// sixty tags does not drown its genres.
const (
	fieldTitle  = iota // title words (year removed) and word bigrams
	fieldYear          // release year and decade
	fieldGenres        // genres
	fieldTags          // tag phrases and their words
	numFields
)

// ItemText is the metadata the item tower reads: what a new movie has before
// anyone rates it (its tags aside, see TextConfig.Tags).
type ItemText struct {
	MovieID int      `json:"movie_id"`
	Title   string   `json:"title"`
	Genres  []string `json:"genres,omitempty"`
	Tags    []string `json:"tags,omitempty"`
}

// itemTexts returns the text of every item of d, tags deduplicated
// case-insensitively in first-seen order.
func itemTexts(d *Dataset) []ItemText {
	out := make([]ItemText, d.NumItems())
	for i, m := range d.Movies {
		var tags []string
		seen := map[string]bool{}
		for _, t := range d.Tags[i] {
			if k := strings.ToLower(t); !seen[k] {
				seen[k] = true
				tags = append(tags, t)
			}
		}
		out[i] = ItemText{MovieID: m.ID, Title: m.Title, Genres: m.Genres, Tags: tags}
	}
	return out
}

// tokens returns the item's tokens per field, prefixed by kind ("w:" title
// word, "b:" title bigram, "y:" year, "d:" decade, "g:" genre, "t:" tag phrase,
// "tw:" tag word).
func (it ItemText) tokens(tc TextConfig) [numFields][]string {
	var f [numFields][]string
	title := strings.TrimSpace(it.Title)
	year := titleYear(title)
	if loc := yearRE.FindStringIndex(title); loc != nil {
		title = strings.TrimSpace(title[:loc[0]])
	}
	words := splitWords(title)
	for k, w := range words {
		f[fieldTitle] = append(f[fieldTitle], "w:"+w)
		if tc.Bigrams && k > 0 {
			f[fieldTitle] = append(f[fieldTitle], "b:"+words[k-1]+"_"+w)
		}
	}
	if year > 0 {
		f[fieldYear] = []string{"y:" + strconv.Itoa(year), "d:" + strconv.Itoa(year/10*10)}
	} else {
		f[fieldYear] = []string{"y:none"}
	}
	for _, g := range it.Genres {
		f[fieldGenres] = append(f[fieldGenres], "g:"+strings.ToLower(g))
	}
	if len(f[fieldGenres]) == 0 {
		f[fieldGenres] = []string{"g:none"}
	}
	if tc.Tags {
		seen := map[string]bool{}
		add := func(tok string) {
			if !seen[tok] {
				seen[tok] = true
				f[fieldTags] = append(f[fieldTags], tok)
			}
		}
		for _, t := range it.Tags {
			ws := splitWords(t)
			if len(ws) == 0 {
				continue
			}
			add("t:" + strings.Join(ws, " "))
			if len(ws) > 1 {
				for _, w := range ws {
					add("tw:" + w)
				}
			}
		}
	}
	return f
}

// splitWords lower-cases s and splits it into runs of letters and digits.
func splitWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// Vocab maps tokens to rows of the word table: the known tokens first, then
// Buckets rows shared by hashing among all other tokens (so that an unseen
// word of a new movie still lands on a trained row).
type Vocab struct {
	Words   []string
	Buckets int
	index   map[string]int
}

// NewVocab indexes words, which must be distinct.
func NewVocab(words []string, buckets int) (*Vocab, error) {
	if buckets < 0 {
		return nil, fmt.Errorf("recommend: %d hash buckets", buckets)
	}
	v := &Vocab{Words: words, Buckets: buckets, index: make(map[string]int, len(words))}
	for i, w := range words {
		if _, dup := v.index[w]; dup {
			return nil, fmt.Errorf("recommend: vocabulary word %q appears twice", w)
		}
		v.index[w] = i
	}
	return v, nil
}

// buildVocab keeps the tokens found in at least minCount of the given items,
// sorted by decreasing count, then alphabetically.
func buildVocab(toks [][numFields][]string, use []bool, minCount, buckets int) (*Vocab, error) {
	count := map[string]int{}
	for i, f := range toks {
		if !use[i] {
			continue
		}
		seen := map[string]bool{}
		for _, ts := range f {
			for _, t := range ts {
				if !seen[t] {
					seen[t] = true
					count[t]++
				}
			}
		}
	}
	var words []string
	for w, c := range count {
		if c >= minCount {
			words = append(words, w)
		}
	}
	slices.SortFunc(words, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	return NewVocab(words, buckets)
}

// Rows is the number of rows of the word table.
func (v *Vocab) Rows() int { return len(v.Words) + v.Buckets }

// Row returns tok's row, or false when it is unknown and there are no buckets.
func (v *Vocab) Row(tok string) (int, bool) {
	if i, ok := v.index[tok]; ok {
		return i, true
	}
	if v.Buckets == 0 {
		return 0, false
	}
	h := fnv.New32a()
	h.Write([]byte(tok))
	return len(v.Words) + int(h.Sum32()%uint32(v.Buckets)), true
}

// bags is the CSR layout of every item's field bags for ag.EmbeddingBag: bag
// item*numFields+field holds rows ids[offsets[b]:offsets[b+1]] with mean
// weights.
type bags struct {
	ids     []int
	offsets []int
	w       []float32
}

func makeBags(toks [][numFields][]string, v *Vocab) bags {
	b := bags{offsets: make([]int, 1, len(toks)*numFields+1)}
	for _, f := range toks {
		for _, ts := range f {
			start := len(b.ids)
			for _, t := range ts {
				if r, ok := v.Row(t); ok {
					b.ids = append(b.ids, r)
				}
			}
			for range len(b.ids) - start {
				b.w = append(b.w, 1/float32(len(b.ids)-start))
			}
			b.offsets = append(b.offsets, len(b.ids))
		}
	}
	return b
}
