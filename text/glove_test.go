package text

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// testVectors returns n words (some non-ASCII) with seeded vectors of dim.
func testVectors(n, dim int, seed uint64) ([]string, []float32) {
	rng := rand.New(rand.NewPCG(seed, 1))
	base := []string{"the", ",", "naïve", "東京", "n't", "café", "x"}
	words := make([]string, n)
	for i := range words {
		words[i] = base[i%len(base)]
		if i >= len(base) {
			words[i] += string(rune('a' + i%26))
			words[i] += string(rune('a' + (i/26)%26))
		}
	}
	data := make([]float32, n*dim)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return words, data
}

func encodeTest(t testing.TB, words []string, data []float32, dim int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := EncodeVectors(&b, words, data, dim); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestVectorsRoundTrip(t *testing.T) {
	cases := []struct {
		name   string
		n, dim int
		keep   func(string, int) bool
	}{
		{"all", 40, 5, nil},
		{"top 10", 40, 3, func(_ string, r int) bool { return r < 10 }},
		{"some words", 40, 4, func(w string, _ int) bool { return w == "café" || w == "東京" || w == "xzb" }},
		{"none", 12, 2, func(string, int) bool { return false }},
		{"empty file", 0, 7, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			words, data := testVectors(c.n, c.dim, 3)
			raw := encodeTest(t, words, data, c.dim)
			path := filepath.Join(t.TempDir(), "v.bin")
			if err := WriteVectors(path, words, data, c.dim); err != nil {
				t.Fatal(err)
			}
			if disk, _ := os.ReadFile(path); !bytes.Equal(disk, raw) {
				t.Fatal("WriteVectors and EncodeVectors differ")
			}
			for _, read := range []func() (*Vectors, error){
				func() (*Vectors, error) { return ReadVectors(path, c.keep) },
				func() (*Vectors, error) { return DecodeVectors(bytes.NewReader(raw), c.keep) },
			} {
				v, err := read()
				if err != nil {
					t.Fatal(err)
				}
				if v.Dim != c.dim || v.Total != c.n {
					t.Fatalf("dim %d total %d, want %d %d", v.Dim, v.Total, c.dim, c.n)
				}
				var wantWords []string
				var wantData []float32
				for r, w := range words {
					if c.keep == nil || c.keep(w, r) {
						wantWords = append(wantWords, w)
						wantData = append(wantData, data[r*c.dim:(r+1)*c.dim]...)
						if v.Ranks[len(wantWords)-1] != r {
							t.Fatalf("rank of %q %d, want %d", w, v.Ranks[len(wantWords)-1], r)
						}
					}
				}
				if !slices.Equal(v.Words, wantWords) || !slices.Equal(v.Data, wantData) {
					t.Fatalf("words %q / data differ from %q", v.Words, wantWords)
				}
				for i, w := range v.Words {
					if got, ok := v.Lookup(w); !ok || !slices.Equal(got, wantData[i*c.dim:(i+1)*c.dim]) {
						t.Fatalf("Lookup(%q) = %v, %v", w, got, ok)
					}
				}
				if _, ok := v.Lookup("not-a-word"); ok {
					t.Fatal("Lookup found a missing word")
				}
			}
		})
	}
}

func TestEncodeVectorsErrors(t *testing.T) {
	cases := []struct {
		name  string
		words []string
		data  []float32
		dim   int
	}{
		{"zero dim", []string{"a"}, nil, 0},
		{"huge dim", []string{"a"}, make([]float32, 5000), 5000},
		{"data length", []string{"a", "b"}, make([]float32, 3), 2},
		{"duplicate", []string{"a", "a"}, make([]float32, 4), 2},
		{"empty word", []string{""}, make([]float32, 2), 2},
		{"bad utf8", []string{"\xff"}, make([]float32, 2), 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := EncodeVectors(&bytes.Buffer{}, c.words, c.data, c.dim); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// TestVectorsCorrupt damages a valid file in every way a download or a disk
// can: each truncation, each single-byte change, and trailing bytes.
func TestVectorsCorrupt(t *testing.T) {
	words, data := testVectors(9, 3, 5)
	raw := encodeTest(t, words, data, 3)
	dir := t.TempDir()
	calls := 0
	check := func(t *testing.T, what string, b []byte) {
		t.Helper()
		_, err := DecodeVectors(bytes.NewReader(b), nil)
		if !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: error %v, want ErrCorrupt", what, err)
		}
		if calls++; calls%5 != 0 {
			return // the file path (which also checks the size) on a sample
		}
		path := filepath.Join(dir, "c.bin")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadVectors(path, nil); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("%s: ReadVectors error %v, want ErrCorrupt", what, err)
		}
	}
	t.Run("truncated", func(t *testing.T) {
		for n := 0; n < len(raw); n++ {
			check(t, "truncated", raw[:n])
		}
	})
	t.Run("flipped", func(t *testing.T) {
		for i := range raw {
			b := slices.Clone(raw)
			b[i] ^= 0x41
			check(t, "flipped", b)
		}
	})
	t.Run("trailing", func(t *testing.T) { check(t, "trailing", append(slices.Clone(raw), 0)) })
	t.Run("non-finite", func(t *testing.T) {
		bad := slices.Clone(data)
		bad[4] = float32(math.Inf(1))
		check(t, "inf", encodeTest(t, words, bad, 3))
	})
	if _, err := ReadVectors(filepath.Join(t.TempDir(), "missing.bin"), nil); err == nil || errors.Is(err, ErrCorrupt) {
		t.Fatalf("missing file: %v", err)
	}
}

// FuzzDecodeVectors: arbitrary bytes never panic, and whatever decodes
// re-encodes to the same bytes.
func FuzzDecodeVectors(f *testing.F) {
	words, data := testVectors(6, 2, 9)
	var b bytes.Buffer
	if err := EncodeVectors(&b, words, data, 2); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:40])
	f.Add([]byte(gloveMagic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		v, err := DecodeVectors(bytes.NewReader(raw), nil)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := EncodeVectors(&out, v.Words, v.Data, v.Dim); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		if !bytes.Equal(out.Bytes(), raw) {
			t.Fatal("round trip changed the bytes")
		}
	})
}
