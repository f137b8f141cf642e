package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// siblings lists the entries of dir's parent other than dir itself: a build
// must leave no temporary directory there.
func siblings(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		if e.Name() != filepath.Base(dir) {
			out = append(out, e.Name())
		}
	}
	return out
}

func buildOptions(d int) Options {
	return Options{Kind: KindHNSW, Config: Config{Dim: d, Metric: Cosine, M: 8, EfConstruction: 32}, Sync: SyncNever}
}

// TestBuildComplete builds an index of several chunks, reporting progress
// after each, into a path that does not exist and into an empty directory
// (given with a trailing slash): each then opens with every item, and no
// temporary directory is left beside it.
func TestBuildComplete(t *testing.T) {
	base, _ := clustered(2*BuildChunk+10, 8, 0, 5, 1)
	items := itemsOf(base, 8)
	for _, empty := range []bool{false, true} {
		dir := filepath.Join(t.TempDir(), "idx")
		arg := dir
		if empty {
			os.Mkdir(dir, 0o755)
			arg += "/"
		}
		var done []int
		if err := Build(context.Background(), arg, buildOptions(8), items, func(n int) { done = append(done, n) }); err != nil {
			t.Fatal(err)
		}
		if want := []int{BuildChunk, 2 * BuildChunk, len(items)}; !slices.Equal(done, want) {
			t.Errorf("progress %v, want %v", done, want)
		}
		db, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if db.Len() != len(items) {
			t.Errorf("built index holds %d items, want %d", db.Len(), len(items))
		}
		db.Close()
		if s := siblings(t, dir); len(s) != 0 {
			t.Errorf("left beside the index: %v", s)
		}
	}
}

// TestBuildLeavesNothing interrupts a build after its first chunk and fails
// another on an invalid item: neither leaves the directory (which index.Open
// would take for a whole, smaller index) or a temporary one behind, and a
// later build of the same directory succeeds.
func TestBuildLeavesNothing(t *testing.T) {
	base, _ := clustered(3*BuildChunk, 4, 0, 5, 1)
	items := itemsOf(base, 4)
	dir := filepath.Join(t.TempDir(), "idx")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err := Build(ctx, dir, buildOptions(4), items, func(int) { cancel() })
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted after 1000 of 3000") {
		t.Fatalf("cancelled build: %v", err)
	}
	bad := slices.Clone(items)
	bad[2500] = Item{ID: "x", Vector: []float32{1, 2, 3}}
	if err := Build(context.Background(), dir, buildOptions(4), bad, nil); err == nil || !strings.Contains(err.Error(), "item 2500") {
		t.Fatalf("build with a bad item: %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("failed builds left %s: %v", dir, err)
	}
	if s := siblings(t, dir); len(s) != 0 {
		t.Fatalf("failed builds left %v", s)
	}
	if err := Build(context.Background(), dir, buildOptions(4), items[:10], nil); err != nil {
		t.Fatalf("build after failed ones: %v", err)
	}
}

// TestBuildRemovesStaleTemp leaves a temporary directory as a killed build
// would (with index files in it): the next build of the same directory
// removes it, and leaves alone a sibling of another name.
func TestBuildRemovesStaleTemp(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "idx")
	stale := filepath.Join(parent, ".idx.tmp-12345")
	other := filepath.Join(parent, ".other.tmp-1")
	for _, d := range []string{stale, other} {
		os.Mkdir(d, 0o755)
		os.WriteFile(filepath.Join(d, SnapshotFile), []byte("partial"), 0o600)
	}
	if err := Build(context.Background(), dir, buildOptions(2), []Item{{ID: "a", Vector: []float32{1, 0}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale temporary directory still there: %v", err)
	}
	if _, err := os.Stat(other); err != nil {
		t.Errorf("another directory was removed: %v", err)
	}

	// A name with glob characters: its own leftovers go, a build of a name
	// the pattern would match (".a.tmp-" for "[ab]") is left alone.
	globbed := filepath.Join(parent, "[ab]")
	ownStale, otherBuild := filepath.Join(parent, ".[ab].tmp-1"), filepath.Join(parent, ".a.tmp-999")
	os.Mkdir(ownStale, 0o755)
	os.Mkdir(otherBuild, 0o755)
	if err := Build(context.Background(), globbed, buildOptions(2), []Item{{ID: "a", Vector: []float32{1, 0}}}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(ownStale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s: the stale temporary directory of [ab] is still there: %v", ownStale, err)
	}
	if _, err := os.Stat(otherBuild); err != nil {
		t.Errorf("the build of [ab] removed %s: %v", otherBuild, err)
	}
}

// TestBuildDotAndBadOptions builds into "." (the empty working directory),
// which has no parent in its own name, and checks that bad options are
// refused before any directory is made.
func TestBuildDotAndBadOptions(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "here")
	os.Mkdir(dir, 0o755)
	t.Chdir(dir)
	if err := Build(context.Background(), ".", buildOptions(2), []Item{{ID: "a", Vector: []float32{1, 0}}}, nil); err != nil {
		t.Fatalf("build into .: %v", err)
	}
	if db, err := Open(dir, buildOptions(2)); err != nil || db.Len() != 1 {
		t.Fatalf("reopen: %v", err)
	} else {
		db.Close()
	}
	bad := buildOptions(2)
	bad.Config.Metric = 0
	sub := filepath.Join(parent, "sub")
	err := Build(context.Background(), filepath.Join(sub, "bad"), bad, []Item{{ID: "a", Vector: []float32{1, 0}}}, nil)
	if err == nil || strings.Contains(err.Error(), ".tmp-") {
		t.Errorf("bad metric: error %v, want one naming no temporary directory", err)
	}
	if _, err := os.Stat(sub); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("bad options: %s was made before they were checked (%v)", sub, err)
	}
	if s := siblings(t, dir); len(s) != 0 {
		t.Errorf("left beside the builds: %v", s)
	}
}

// TestCheckNewDir: only a missing path or an empty directory can receive a
// build; every other case says why, with the file system's own error where
// the path cannot be inspected (not "already holds an index").
func TestCheckNewDir(t *testing.T) {
	root := t.TempDir()
	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o644)
	full := filepath.Join(root, "full")
	os.Mkdir(full, 0o755)
	os.WriteFile(filepath.Join(full, "notes"), nil, 0o644)
	built := filepath.Join(root, "built")
	if err := Build(context.Background(), built, buildOptions(2), []Item{{ID: "a", Vector: []float32{1, 0}}}, nil); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(root, "empty")
	os.Mkdir(empty, 0o755)
	cases := []struct {
		dir, want string
		is        error
	}{
		{filepath.Join(root, "new"), "", nil},
		{empty, "", nil},
		{built, "already holds an index", nil},
		{file, "is not a directory", nil},
		{filepath.Join(file, "sub"), "not a directory", syscall.ENOTDIR},
		{full, "is not empty", nil},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.dir), func(t *testing.T) {
			err := CheckNewDir(c.dir)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want one mentioning %q", err, c.want)
			case c.is != nil && !errors.Is(err, c.is):
				t.Fatalf("error %v does not wrap %v", err, c.is)
			}
		})
	}
	t.Run("unreadable parent", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads every directory")
		}
		locked := filepath.Join(root, "locked")
		os.Mkdir(locked, 0o000)
		defer os.Chmod(locked, 0o755)
		if err := CheckNewDir(filepath.Join(locked, "idx")); !errors.Is(err, os.ErrPermission) {
			t.Fatalf("error %v, want permission denied", err)
		}
	})
}

// TestBuildFitsOnEveryItem: a quantised build written in chunks fits its
// int8 ranges on every item, as one write of them all does, not on the first
// chunk (whose items here span a tenth of the later ones' range).
func TestBuildFitsOnEveryItem(t *testing.T) {
	base, _ := clustered(2*BuildChunk+500, 4, 0, 5, 3)
	for i := BuildChunk * 4; i < len(base); i++ {
		base[i] *= 10
	}
	items := itemsOf(base, 4)
	opt := Options{Kind: KindFlat, Config: Config{Dim: 4, Metric: L2, Quantization: Int8PerDim}, Sync: SyncNever}
	dir := filepath.Join(t.TempDir(), "idx")
	if err := Build(context.Background(), dir, opt, items, nil); err != nil {
		t.Fatal(err)
	}
	built, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer built.Close()
	whole, err := Open(filepath.Join(t.TempDir(), "whole"), opt)
	if err != nil {
		t.Fatal(err)
	}
	defer whole.Close()
	if err := whole.Upsert(items...); err != nil {
		t.Fatal(err)
	}
	got, want := storeOf(built.idx).quant, storeOf(whole.idx).quant
	if got == nil || !slices.Equal(got.lo, want.lo) || !slices.Equal(got.scale, want.scale) {
		t.Fatalf("chunked build fitted %+v, one write %+v", got, want)
	}
}
