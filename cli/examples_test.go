package cli

import (
	"path/filepath"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/train"
)

// TestExamplesParse keeps every example config valid: strict YAML (no unknown
// fields) and a config that passes validation.
func TestExamplesParse(t *testing.T) {
	files, _ := filepath.Glob("../examples/*-mnist.yaml")
	if len(files) < 8 {
		t.Fatalf("found %d image example configs, want at least 8", len(files))
	}
	for _, f := range files {
		cfg := train.Default()
		if err := config.Load(f, &cfg); err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}
