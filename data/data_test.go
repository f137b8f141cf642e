package data

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedData returns the path of rel under the shared data sets
// (../../shared/data from this package, i.e. ../shared/data beside the
// repository; $CONTRAST_SHARED_DATA overrides), skipping the test when absent.
func sharedData(t testing.TB, rel string) string {
	t.Helper()
	root := os.Getenv("CONTRAST_SHARED_DATA")
	if root == "" {
		root = filepath.Join("..", "..", "shared", "data")
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s not available: %v", p, err)
	}
	return p
}
