package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestRunTask checks which task a run directory's config.yaml names.
func TestRunTask(t *testing.T) {
	dir := t.TempDir()
	if got := runTask(dir); got != "" {
		t.Errorf("no config: task %q", got)
	}
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("task: \"\"\nmethod: triplet\n"), 0o644)
	if got := runTask(dir); got != "image" {
		t.Errorf("image run: task %q, want image", got)
	}
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("task: text\nseed: 1\n"), 0o644)
	if got := runTask(dir); got != "text" {
		t.Errorf("task %q, want text", got)
	}
}
