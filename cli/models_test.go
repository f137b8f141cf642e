package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/contrast-ml/contrast/server"
)

func TestRunTaskAndTextInputs(t *testing.T) {
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
	// A non-string input is the client's error, named by position, before any embedding.
	_, err := textModel{}.Embed(context.Background(), []json.RawMessage{json.RawMessage(`"ok"`), json.RawMessage(`42`)})
	if !errors.Is(err, server.ErrBadInput) {
		t.Errorf("error %v does not wrap ErrBadInput", err)
	}
}
