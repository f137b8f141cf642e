package cli

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/npy"
)

// noIndexAt fails t if path exists or a temporary build directory was left
// beside it: a failed build must leave nothing that serve --index would open.
func noIndexAt(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists after a failed build: %v", path, err)
	}
	left, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*"))
	if len(left) > 0 {
		t.Errorf("temporary directories left: %v", left)
	}
}

// TestIndexBuildRefusesBadVectors: a .npy row with a NaN or a huge norm, or
// no rows at all, is refused before anything is written, with the file and
// the row named; --out stays free for the corrected build.
func TestIndexBuildRefusesBadVectors(t *testing.T) {
	dir := t.TempDir()
	const n, d = 1500, 4
	x := SyntheticVectors(n, d, 1)
	bad := func(name string, row, col int, v float32) string {
		y := append([]float32(nil), x...)
		y[row*d+col] = v
		p := filepath.Join(dir, name)
		if err := npy.WriteFile(p, y, n, d); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := filepath.Join(dir, "empty.npy")
	if err := npy.WriteFile(empty, nil, 0, d); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "idx")
	cases := []struct {
		file, want string
	}{
		{bad("nan.npy", 1200, 3, float32(math.NaN())), "nan.npy row 1200: vector[3] is NaN"},
		{bad("nan0.npy", 0, 0, float32(math.NaN())), "nan0.npy row 0: vector[0] is NaN"},
		{bad("huge.npy", 7, 1, 3e38), "huge.npy row 7: vector's squared norm"},
		{empty, "empty.npy holds no vectors"},
	}
	for _, c := range cases {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			err := Run(context.Background(), []string{"index", "build", "--vectors", c.file, "--out", out, "--kind", "flat"})
			if err == nil || ExitCode(err) != 1 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("exit %d, error %v; want exit 1 mentioning %q", ExitCode(err), err, c.want)
			}
			noIndexAt(t, out)
		})
	}
	good := filepath.Join(dir, "good.npy")
	npy.WriteFile(good, x, n, d)
	if err := Run(context.Background(), []string{"index", "build", "--vectors", good, "--out", out, "--kind", "flat"}); err != nil {
		t.Fatalf("build after refused ones: %v", err)
	}
}

// TestIndexBuildInterrupted: a cancelled context (Ctrl-C, SIGTERM) stops the
// build with an "interrupted" error and exit status 1, and leaves no index.
func TestIndexBuildInterrupted(t *testing.T) {
	out := filepath.Join(t.TempDir(), "idx")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := Run(ctx, []string{"index", "build", "--synthetic", "3000,4", "--out", out})
	if !errors.Is(err, context.Canceled) || ExitCode(err) != 1 || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("exit %d, error %v", ExitCode(err), err)
	}
	noIndexAt(t, out)
}

// TestIndexBuildOutErrors: an --out that cannot be inspected or is not a
// directory is reported as such, not as "already holds an index", and a bad
// HNSW parameter is a usage error too, found before the source is read.
func TestIndexBuildOutErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, c := range []struct{ out, want string }{
		{file, "is not a directory"},
		{filepath.Join(file, "sub"), "not a directory"},
	} {
		err := Run(context.Background(), []string{"index", "build", "--synthetic", "10,2", "--out", c.out})
		if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "already holds") {
			t.Errorf("--out %s: exit %d, %v; want exit 2 mentioning %q", c.out, ExitCode(err), err, c.want)
		}
	}
	out := filepath.Join(dir, "idx")
	err := Run(context.Background(), []string{"index", "build", "--vectors", filepath.Join(dir, "missing.npy"), "--M", "1", "--out", out})
	if ExitCode(err) != 2 || !strings.Contains(err.Error(), "M 1") {
		t.Errorf("--M 1: exit %d, %v", ExitCode(err), err)
	}
	noIndexAt(t, out)
	if b, _ := os.ReadFile(file); string(b) != "x" {
		t.Errorf("%s was changed", file)
	}
}

// TestIndexBenchFlags: bad counts are refused naming the flag, and a --json
// destination that cannot be written is found before the vectors are even
// read (the base file here does not exist).
func TestIndexBenchFlags(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.npy")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--k", "0"}, "--k 0"},
		{[]string{"--k", "-5"}, "--k -5"},
		{[]string{"--single", "-1"}, "--single -1"},
		{[]string{"--repeats", "0"}, "--repeats 0"},
		{[]string{"--json", filepath.Join(dir, "no", "such", "r.json")}, "--json"},
		{[]string{"--json", dir}, "is a directory"},
	} {
		args := append([]string{"index", "bench", "--base", missing, "--queries", missing}, c.args...)
		err := Run(context.Background(), args)
		if err == nil || ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: exit %d, error %v; want exit 2 mentioning %q", c.args, ExitCode(err), err, c.want)
		}
	}
}

// TestIndexBenchRecallFewerThanK: with fewer base vectors than k, finding
// them all is recall 1 (it was n/k), and a cancelled context stops the
// benchmark with an "interrupted" error.
func TestIndexBenchRecallFewerThanK(t *testing.T) {
	dir := t.TempDir()
	base, queries, rep := filepath.Join(dir, "b.npy"), filepath.Join(dir, "q.npy"), filepath.Join(dir, "r.json")
	npy.WriteFile(base, SyntheticVectors(1, 4, 1), 1, 4)
	npy.WriteFile(queries, SyntheticVectors(3, 4, 2), 3, 4)
	args := []string{"index", "bench", "--base", base, "--queries", queries, "--k", "10", "--ef", "16", "--repeats", "1", "--json", rep}
	if err := Run(context.Background(), args); err != nil {
		t.Fatal(err)
	}
	var got index.BenchReport
	b, _ := os.ReadFile(rep)
	if err := json.Unmarshal(b, &got); err != nil || len(got.HNSW) != 1 || got.HNSW[0].Recall != 1 {
		t.Fatalf("report %s (%v): want recall 1", b, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Run(ctx, args); !errors.Is(err, context.Canceled) || ExitCode(err) != 1 || !strings.Contains(err.Error(), "interrupted") {
		t.Fatalf("cancelled bench: exit %d, error %v", ExitCode(err), err)
	}
}
