package text

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer splits text into word tokens: Unicode NFKC normalisation, then
// (when Lower) Unicode lower-casing, then maximal runs of letters, marks and
// digits. Inside a run an apostrophe joins letters ("o'clock"), and '.' or ','
// joins digits ("3.5", "1,000"); typographic apostrophes count as "'". English
// clitics are split off as in the Penn Treebank tokenisation GloVe was trained
// on ("don't" -> "do" "n't", "it's" -> "it" "'s"). Punctuation and symbols are
// dropped, or kept one rune per token with KeepPunct.
type Tokenizer struct {
	Lower     bool `json:"lower"`
	KeepPunct bool `json:"keep_punct"`
	// Clitics splits "n't", "'s", "'re", "'ve", "'ll", "'d" and "'m" off words.
	Clitics bool `json:"clitics"`
}

// DefaultTokenizer lower-cases, splits clitics and drops punctuation.
func DefaultTokenizer() Tokenizer { return Tokenizer{Lower: true, Clitics: true} }

// Tokenize returns the tokens of s.
func (tk Tokenizer) Tokenize(s string) []string { return tk.Append(nil, s) }

// Append appends the tokens of s to dst and returns it.
func (tk Tokenizer) Append(dst []string, s string) []string {
	if !isASCIIString(s) {
		s = norm.NFKC.String(s)
	}
	if tk.Lower {
		s = strings.ToLower(s)
	}
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		if !isWordRune(r) {
			if tk.KeepPunct && !unicode.IsSpace(r) && !unicode.IsControl(r) {
				dst = append(dst, string(normApostrophe(r)))
			}
			i++
			continue
		}
		j := i + 1
		for j < len(rs) {
			if isWordRune(rs[j]) {
				j++
				continue
			}
			if j+1 < len(rs) && joins(rs[j-1], rs[j], rs[j+1]) {
				j += 2
				continue
			}
			break
		}
		dst = tk.appendWord(dst, rs[i:j])
		i = j
	}
	return dst
}

// appendWord appends one run, split at a clitic when asked.
func (tk Tokenizer) appendWord(dst []string, w []rune) []string {
	for k, r := range w {
		w[k] = normApostrophe(r)
	}
	s := string(w)
	if !tk.Clitics || !strings.ContainsRune(s, '\'') {
		return append(dst, s)
	}
	if stem, ok := strings.CutSuffix(s, "n't"); ok && stem != "" && !strings.ContainsRune(stem, '\'') {
		return append(dst, stem, "n't")
	}
	if k := strings.LastIndexByte(s, '\''); k > 0 {
		switch s[k:] {
		case "'s", "'re", "'ve", "'ll", "'d", "'m":
			return append(dst, s[:k], s[k:])
		}
	}
	return append(dst, s)
}

// isWordRune reports letters, marks and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

// joins reports whether the separator mid keeps prev and next in one token.
func joins(prev, mid, next rune) bool {
	switch {
	case isApostrophe(mid):
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case mid == '.' || mid == ',':
		return unicode.IsDigit(prev) && unicode.IsDigit(next)
	}
	return false
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '\u2019', '\u2018', '\u02bc', '\uff07':
		return true
	}
	return false
}

func normApostrophe(r rune) rune {
	if isApostrophe(r) {
		return '\''
	}
	return r
}

func isASCIIString(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
