package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f.json")
	if err := WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(p, []byte("new"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	if string(b) != "new" {
		t.Errorf("content %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", st.Mode())
	}
	// A failing writer leaves the old content and no temporary file.
	boom := errors.New("boom")
	if err := Write(p, 0o644, func(w io.Writer) error { w.Write([]byte("half")); return boom }); !errors.Is(err, boom) {
		t.Fatalf("error %v", err)
	}
	b, _ = os.ReadFile(p)
	if string(b) != "new" {
		t.Errorf("after failed write: %q", b)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("leftover files: %v", ents)
	}
}

// TestRemoveTemps leaves a temporary file as a crash between creating and
// renaming it would, beside an unrelated file, and checks that RemoveTemps
// deletes only the first.
func TestRemoveTemps(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "index.snap")
	left, err := os.CreateTemp(dir, TempPattern(p))
	if err != nil {
		t.Fatal(err)
	}
	left.Close()
	// Not temporaries of p: another path's, a temporary of "index.snap.tmp-x",
	// a user's file, and a name whose glob characters would match p's.
	others := []string{".other.tmp-1", ".index.snap.tmp-x.tmp-456", ".index.snap.tmp-old", ".index.snap.tmp-"}
	for _, o := range others {
		if err := os.WriteFile(filepath.Join(dir, o), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	RemoveTemps(p)
	if _, err := os.Stat(left.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file of %s is still there: %v", p, err)
	}
	for _, o := range others {
		if _, err := os.Stat(filepath.Join(dir, o)); err != nil {
			t.Errorf("RemoveTemps removed %s: %v", o, err)
		}
	}
	globbed := filepath.Join(dir, "[ab]")
	os.WriteFile(filepath.Join(dir, ".a.tmp-7"), nil, 0o644)
	if got := Temps(globbed); len(got) != 0 {
		t.Errorf("Temps(%s) = %v, want none", globbed, got)
	}
}
