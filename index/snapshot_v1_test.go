package index

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// goldenV1 lists the version-1 snapshots under testdata. They were written
// once, by the eager-fit build (the index code of commit ecfe919, unchanged
// up to c2fd933, which committed them), with the writer branch that
// c2fd933's TestSnapshotV1Golden had under CONTRAST_GOLDEN=1: each index
// takes smallItems("g", n, dim, 11) in one Add, then loses g3 and g5, and is
// written with WriteSnapshot; next to each, file.state holds state() and the
// results of goldenQuery, as that build saw them. That branch is gone: the
// files pin what an older build wrote, so no later build may regenerate them
// (to remake one, run that code at c2fd933, never here).
var goldenV1 = []struct {
	file string
	kind Kind
	cfg  Config
	n    int
}{
	{"v1-hnsw-int8-l2.snap", KindHNSW, Config{Dim: 4, Metric: L2, Quantization: Int8PerDim, M: 4, EfConstruction: 16, Seed: 3, BuildWorkers: 1}, 64},
	{"v1-flat-int8global-rerank-cosine.snap", KindFlat, Config{Dim: 4, Metric: Cosine, Quantization: Int8Global, Rerank: 2}, 64},
	{"v1-flat-int8-empty.snap", KindFlat, Config{Dim: 4, Metric: Dot, Quantization: Int8PerDim}, 0},
	{"v1-hnsw-none-dot.snap", KindHNSW, Config{Dim: 4, Metric: Dot, M: 4, EfConstruction: 16, Seed: 3, BuildWorkers: 1}, 10},
}

var goldenQuery = []float32{0.5, -1, 0.25, 2}

func goldenState(t *testing.T, idx Index, items []Item) string {
	t.Helper()
	res, err := idx.Search(goldenQuery, 5, Params{})
	must(t, err)
	return state(t, idx, allIDs(items)) + fmt.Sprint(res) + "\n"
}

// TestSnapshotV1Golden checks that snapshots of version 1 still load with
// the content and search results they had, and that an index built the same
// way today writes the very same bytes: version 1 wherever it can express the
// state. The quantised files were written by builds that fitted on a first
// write of 64 items; today that write is too small to fit (MinQuantFit), so
// the test fits the quantizer on those items before writing them, as the
// builds did.
func TestSnapshotV1Golden(t *testing.T) {
	for _, g := range goldenV1 {
		t.Run(g.file, func(t *testing.T) {
			path := filepath.Join("testdata", g.file)
			idx, err := New(g.kind, g.cfg)
			must(t, err)
			items := smallItems("g", g.n, g.cfg.Dim, 11)
			if g.cfg.Quantization != NoQuant && g.n > 0 {
				fitOn(idx, items)
			}
			must(t, idx.Add(items...))
			if _, err := idx.Delete("g3", "g5"); err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			must(t, WriteSnapshot(&buf, idx))
			old, err := os.ReadFile(path)
			must(t, err)
			if v := old[8]; v != 1 {
				t.Fatalf("golden file has version %d, want 1", v)
			}
			wantState, err := os.ReadFile(path + ".state")
			must(t, err)
			back, err := Load(path)
			must(t, err)
			if got := goldenState(t, back, items); got != string(wantState) {
				t.Fatalf("version-1 file loads as\n%s\nwant\n%s", got, wantState)
			}
			if !bytes.Equal(buf.Bytes(), old) {
				t.Fatalf("today's snapshot of the same index (%d bytes, version %d) differs from the version-1 file (%d bytes)", buf.Len(), buf.Bytes()[8], len(old))
			}
		})
	}
}
