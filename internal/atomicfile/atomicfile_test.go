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
	other := filepath.Join(dir, ".other.tmp-1")
	if err := os.WriteFile(other, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	RemoveTemps(p)
	if _, err := os.Stat(left.Name()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the temporary file of %s is still there: %v", p, err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("RemoveTemps removed another file: %v", err)
	}
}
