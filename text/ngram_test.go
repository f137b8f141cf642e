package text

import (
	"hash/fnv"
	"slices"
	"testing"
)

// naiveGrams lists the n-grams of <word> by start rune, then length.
func naiveGrams(word string, lo, hi int) []string {
	rs := []rune("<" + word + ">")
	if len(rs) < lo {
		return []string{string(rs)}
	}
	var out []string
	for i := range rs {
		for n := lo; n <= hi && i+n <= len(rs); n++ {
			out = append(out, string(rs[i:i+n]))
		}
	}
	return out
}

func TestNGrams(t *testing.T) {
	cases := []struct {
		word   string
		g      NGrams
		expect []string // hand-listed n-grams, nil to use naiveGrams only
	}{
		{"cat", NGrams{3, 5, 1 << 20}, []string{"<ca", "<cat", "<cat>", "cat", "cat>", "at>"}},
		{"a", NGrams{4, 6, 97}, []string{"<a>"}},
		{"naïve", NGrams{2, 3, 1000}, nil},
		{"東京", NGrams{1, 2, 7}, []string{"<", "<東", "東", "東京", "京", "京>", ">"}},
	}
	for _, c := range cases {
		t.Run(c.word, func(t *testing.T) {
			grams := naiveGrams(c.word, c.g.Min, c.g.Max)
			if c.expect != nil && !slices.Equal(grams, c.expect) {
				t.Fatalf("oracle grams %q, hand list %q", grams, c.expect)
			}
			want := make([]int, len(grams))
			for i, s := range grams {
				h := fnv.New32a()
				h.Write([]byte(s))
				want[i] = int(h.Sum32() % uint32(c.g.Buckets))
			}
			got := c.g.Append([]int{-1}, c.word)
			if got[0] != -1 || !slices.Equal(got[1:], want) {
				t.Fatalf("buckets %v, want %v", got[1:], want)
			}
			for _, b := range got[1:] {
				if b < 0 || b >= c.g.Buckets {
					t.Fatalf("bucket %d outside [0, %d)", b, c.g.Buckets)
				}
			}
		})
	}
}

func TestNGramsValidate(t *testing.T) {
	for _, g := range []NGrams{{0, 3, 10}, {4, 3, 10}, {3, 5, 0}} {
		if g.Validate() == nil {
			t.Errorf("%+v accepted", g)
		}
	}
	if err := (NGrams{3, 5, 10}).Validate(); err != nil {
		t.Fatal(err)
	}
}
