package text

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestTokenize(t *testing.T) {
	def := DefaultTokenizer()
	cases := []struct {
		name string
		tk   Tokenizer
		in   string
		want []string
	}{
		{"sentence", def, "A man is playing a guitar.", []string{"a", "man", "is", "playing", "a", "guitar"}},
		{"clitics", def, "Don't stop, it's 3.5 o'clock!", []string{"do", "n't", "stop", "it", "'s", "3.5", "o'clock"}},
		{"typographic apostrophe", def, "I can\u2019t, we\u2019re", []string{"i", "ca", "n't", "we", "'re"}},
		{"unicode lower", def, "CAFÉ Über NAÏVE Ωμέγα", []string{"café", "über", "naïve", "ωμέγα"}},
		{"nfkc", def, "\ufb01ne \uff26\uff55\uff4c\uff4c", []string{"fine", "full"}},
		{"combining accent composed", def, "cafe\u0301", []string{"café"}},
		{"numbers", def, "1,000 people; 2-3 cars, 4.", []string{"1,000", "people", "2", "3", "cars", "4"}},
		{"cjk run", def, "東京タワー is tall", []string{"東京タワー", "is", "tall"}},
		{"possessive plural", def, "the dogs' toys", []string{"the", "dogs", "toys"}},
		{"leading apostrophe", def, "'tis 'quoted'", []string{"tis", "quoted"}},
		{"keep punct", Tokenizer{Lower: true, KeepPunct: true}, "Hi, you!", []string{"hi", ",", "you", "!"}},
		{"no lower", Tokenizer{}, "Hello World", []string{"Hello", "World"}},
		{"no clitics", Tokenizer{Lower: true}, "Don't", []string{"don't"}},
		{"other clitics", def, "she'll he'd I'm they've", []string{"she", "'ll", "he", "'d", "i", "'m", "they", "'ve"}},
		{"empty", def, "  \t\n ", nil},
		{"only punct", def, "?!...", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.tk.Tokenize(c.in); !slices.Equal(got, c.want) {
				t.Fatalf("Tokenize(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestTokenizeAppend(t *testing.T) {
	got := DefaultTokenizer().Append([]string{"x"}, "Two words")
	if want := []string{"x", "two", "words"}; !slices.Equal(got, want) {
		t.Fatalf("Append = %q, want %q", got, want)
	}
}

// FuzzTokenize checks invariants on arbitrary input: tokens are non-empty,
// valid UTF-8, hold no space, and are already lower-case when Lower is set.
func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"Don't stop", "1,000.5", "ΣΊΣΥΦΟΣ", "a\u0301'b", "\xff\xfe", "İstanbul", "'''"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, tk := range []Tokenizer{DefaultTokenizer(), {Lower: true, KeepPunct: true}} {
			for _, w := range tk.Tokenize(s) {
				if w == "" || !utf8.ValidString(w) || strings.IndexFunc(w, unicode.IsSpace) >= 0 {
					t.Fatalf("bad token %q from %q", w, s)
				}
			}
		}
	})
}
