package enum

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	tab := Table{Type: "Norm", What: "normalisation", Names: []string{"batch", "layer", "none"}}
	for i, want := range []string{"batch", "layer", "none"} {
		if got := tab.String(i); got != want {
			t.Errorf("String(%d) = %q, want %q", i, got, want)
		}
		b, err := tab.Marshal(i)
		if err != nil || string(b) != want {
			t.Errorf("Marshal(%d) = %q, %v", i, b, err)
		}
		var v int
		if err := tab.Parse(b, &v); err != nil || v != i {
			t.Errorf("Parse(%q) = %d, %v; want %d", b, v, err, i)
		}
	}
	for _, in := range []string{"Layer", " LAYER\n", "layer"} {
		v := -1
		if err := tab.Parse([]byte(in), &v); err != nil || v != 1 {
			t.Errorf("Parse(%q) = %d, %v; want 1", in, v, err)
		}
	}
	for i, want := range map[int]string{-1: "Norm(-1)", 3: "Norm(3)"} {
		if got := tab.String(i); got != want {
			t.Errorf("String(%d) = %q, want %q", i, got, want)
		}
		if _, err := tab.Marshal(i); err == nil || !strings.Contains(err.Error(), "no such normalisation") {
			t.Errorf("Marshal(%d): %v, want an error naming the normalisation", i, err)
		}
	}
	v := 7
	err := tab.Parse([]byte("group"), &v)
	if err == nil || v != 7 || !strings.Contains(err.Error(), `unknown normalisation "group" (want one of batch, layer, none)`) {
		t.Errorf("Parse(group): %v, value %d; want the list of names and no change", err, v)
	}
	if err := tab.Parse(nil, &v); err == nil {
		t.Error("Parse of an empty name succeeded")
	}
}

// FuzzParse checks that Parse either fails and leaves the value alone, or
// names a value whose written name parses back to it.
func FuzzParse(f *testing.F) {
	tab := Table{Type: "Norm", What: "normalisation", Names: []string{"batch", "layer", "none"}}
	for _, s := range []string{"batch", " Layer ", "NONE", "", "group", "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v := -7
		if err := tab.Parse(b, &v); err != nil {
			if v != -7 {
				t.Fatalf("failed Parse(%q) changed the value to %d", b, v)
			}
			return
		}
		name, err := tab.Marshal(v)
		if err != nil {
			t.Fatalf("Parse(%q) = %d, which has no name: %v", b, v, err)
		}
		w := -7
		if err := tab.Parse(name, &w); err != nil || w != v {
			t.Fatalf("%q parsed to %d, its name %q to %d (%v)", b, v, name, w, err)
		}
	})
}
