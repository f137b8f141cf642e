package augment

import (
	"fmt"
	"slices"
	"testing"
)

func tokens(n int) []int32 {
	t := make([]int32, n)
	for i := range t {
		t[i] = int32(100 + i)
	}
	return t
}

// isSubsequence reports whether a appears in b in order.
func isSubsequence(a, b []int32) bool {
	j := 0
	for _, v := range b {
		if j < len(a) && a[j] == v {
			j++
		}
	}
	return j == len(a)
}

func TestWordDropout(t *testing.T) {
	src := tokens(50)
	assertTokens(t, "p=0", Must(NewWordDropout[int32](0)).Apply(newRNG(1), make([]int32, 50), src), src)
	d := Must(NewWordDropout[int32](0.3))
	rng, total := newRNG(2), 0
	for range 400 {
		out := d.Apply(rng, make([]int32, 0, 50), src)
		if !isSubsequence(out, src) || len(out) == 0 {
			t.Fatalf("%v is not a non-empty subsequence", out)
		}
		total += 50 - len(out)
	}
	if f := float64(total) / (400 * 50); f < 0.28 || f > 0.32 {
		t.Fatalf("dropped fraction %g, want 0.3", f)
	}
	// Everything dropping keeps one original token.
	high := Must(NewWordDropout[string](0.999))
	words := []string{"a", "b", "c"}
	for seed := range uint64(50) {
		out := high.Apply(newRNG(seed), make([]string, 3), words)
		if len(out) == 0 || !slices.Contains(words, out[0]) {
			t.Fatalf("seed %d: %v", seed, out)
		}
	}
	// In place equals out of place.
	in := slices.Clone(src)
	assertTokens(t, "in place", d.Apply(newRNG(3), in, in), d.Apply(newRNG(3), make([]int32, 50), src))
	if _, err := NewWordDropout[int32](1); err == nil {
		t.Fatal("p=1 accepted")
	}
}

func TestSpanDeletion(t *testing.T) {
	src := tokens(20)
	d := Must(NewSpanDeletion[int32](0.25))
	lens := map[int]bool{}
	for seed := range uint64(300) {
		out := d.Apply(newRNG(seed), make([]int32, 20), src)
		l := 20 - len(out)
		if l < 1 || l > 5 {
			t.Fatalf("deleted %d tokens, want 1..5", l)
		}
		lens[l] = true
		// out = src[:a] + src[a+l:] for some a.
		a := 0
		for a < len(out) && out[a] == src[a] {
			a++
		}
		if !slices.Equal(out[a:], src[a+l:]) {
			t.Fatalf("%v is not %v minus one span", out, src)
		}
		in := slices.Clone(src)
		assertTokens(t, "in place", d.Apply(newRNG(seed), in, in), out)
	}
	if len(lens) != 5 {
		t.Fatalf("span lengths seen %v", lens)
	}
	assertTokens(t, "single token", d.Apply(newRNG(1), make([]int32, 1), []int32{7}), []int32{7})
}

func TestAdjacentSwap(t *testing.T) {
	src := tokens(40)
	d := Must(NewAdjacentSwap[int32](0.3))
	moved := 0
	for seed := range uint64(200) {
		out := d.Apply(newRNG(seed), make([]int32, 40), src)
		a, b := slices.Clone(out), slices.Clone(src)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("multiset changed: %v", out)
		}
		for i, v := range out {
			p := int(v - 100) // original position
			if p < i-1 || p > i+1 {
				t.Fatalf("token moved from %d to %d", p, i)
			}
			if p != i {
				moved++
			}
		}
	}
	if moved == 0 {
		t.Fatal("nothing swapped")
	}
	assertTokens(t, "p=0", Must(NewAdjacentSwap[int32](0)).Apply(newRNG(1), make([]int32, 40), src), src)
	words := []string{"the", "cat", "sat"}
	out := Must(NewAdjacentSwap[string](1)).Apply(newRNG(1), make([]string, 3), words)
	if !slices.Equal(out, []string{"cat", "the", "sat"}) {
		t.Fatalf("p=1 swap gave %v", out)
	}
}

func TestTokenMask(t *testing.T) {
	src := tokens(100)
	const mask = -1
	d := Must(NewTokenMask[int32](0.15, mask))
	masked := 0
	for seed := range uint64(100) {
		out := d.Apply(newRNG(seed), make([]int32, 100), src)
		for i, v := range out {
			if v == mask {
				masked++
			} else if v != src[i] {
				t.Fatalf("position %d holds %d", i, v)
			}
		}
	}
	if f := float64(masked) / 1e4; f < 0.135 || f > 0.165 {
		t.Fatalf("masked fraction %g, want 0.15", f)
	}
}

func TestComposeText(t *testing.T) {
	src := tokens(30)
	ts := []Text[int32]{Must(NewSpanDeletion[int32](0.2)), Must(NewAdjacentSwap[int32](0.2)), Must(NewTokenMask[int32](0.2, 0)), Must(NewWordDropout[int32](0.1))}
	c := Must(NewComposeText(ts...))
	for seed := range uint64(20) {
		rng := newRNG(seed)
		want := slices.Clone(src)
		for _, tr := range ts {
			want = tr.Apply(rng, make([]int32, len(want)), want)
		}
		assertTokens(t, fmt.Sprint("seed ", seed), c.Apply(newRNG(seed), make([]int32, 30), src), want)
	}
	mustPanic(t, "small dst", func() { c.Apply(newRNG(1), make([]int32, 3), src) })
}

func assertTokens[T comparable](t *testing.T, what string, got, want []T) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("%s: got %v, want %v", what, got, want)
	}
}

// FuzzText checks the text transforms never panic and keep their invariants
// on arbitrary sequences and probabilities.
func FuzzText(f *testing.F) {
	f.Add([]byte("the quick brown fox"), uint64(1), 0.3)
	f.Add([]byte{}, uint64(2), 0.0)
	f.Add([]byte{1}, uint64(3), 0.99)
	f.Fuzz(func(t *testing.T, data []byte, seed uint64, p float64) {
		if !(p >= 0 && p < 1) {
			return
		}
		src := make([]int32, len(data))
		for i, b := range data {
			src[i] = int32(b)
		}
		rng := newRNG(seed)
		dst := make([]int32, len(src))
		if out := Must(NewWordDropout[int32](p)).Apply(rng, dst, src); !isSubsequence(out, src) || len(src) > 0 && len(out) == 0 {
			t.Fatalf("dropout %v of %v", out, src)
		}
		if p > 0 {
			if out := Must(NewSpanDeletion[int32](p)).Apply(rng, dst, src); len(out) > len(src) || len(src) > 1 && len(out) == len(src) {
				t.Fatalf("span deletion %v of %v", out, src)
			}
		}
		out := Must(NewAdjacentSwap[int32](p)).Apply(rng, dst, src)
		a, b := slices.Clone(out), slices.Clone(src)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(a, b) {
			t.Fatalf("swap changed the multiset")
		}
		if out := Must(NewTokenMask[int32](p, -1)).Apply(rng, dst, src); len(out) != len(src) {
			t.Fatalf("mask changed the length")
		}
	})
}
