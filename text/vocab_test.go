package text

import (
	"slices"
	"testing"
)

func TestBuildVocab(t *testing.T) {
	c := Counter{}
	c.Add([]string{"the", "cat", "the", "dog", "the", "cat", "emu"})
	cases := []struct {
		name  string
		min   int
		extra func(string) bool
		want  []string
	}{
		{"all", 1, nil, []string{"the", "cat", "dog", "emu"}},
		{"min 2", 2, nil, []string{"the", "cat"}},
		{"min 3 plus extra", 3, func(w string) bool { return w == "emu" }, []string{"the", "emu"}},
		{"min 9", 9, nil, []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := BuildVocab(c, tc.min, tc.extra)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(v.Words, tc.want) {
				t.Fatalf("words %q, want %q", v.Words, tc.want)
			}
			for i, w := range v.Words {
				if id, ok := v.ID(w); !ok || id != i {
					t.Fatalf("ID(%q) = %d, %v; want %d", w, id, ok, i)
				}
				if v.Counts[i] != c[w] {
					t.Fatalf("count of %q %d, want %d", w, v.Counts[i], c[w])
				}
			}
			if _, ok := v.ID("zebra"); ok {
				t.Fatal("unknown word found")
			}
		})
	}
	if _, err := BuildVocab(c, 0, nil); err == nil {
		t.Fatal("min count 0 accepted")
	}
}

func TestNewVocabErrors(t *testing.T) {
	for name, words := range map[string][]string{"duplicate": {"a", "b", "a"}, "empty word": {"a", ""}} {
		if _, err := NewVocab(words, nil); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if _, err := NewVocab([]string{"a"}, []int{1, 2}); err == nil {
		t.Error("count length mismatch accepted")
	}
	v, err := NewVocab([]string{"x", "y"}, []int{3, 4})
	if err != nil || v.Total() != 7 || v.Len() != 2 {
		t.Fatalf("NewVocab: %v, total %d", err, v.Total())
	}
}
