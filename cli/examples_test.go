package cli

import (
	"fmt"
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

// TestDefaultIsSimCLRExample keeps `contrast train` without a config the same
// training as examples/simclr-mnist.yaml, as the README says; only the
// example also asks for the transfer experiment, which is opt-in.
func TestDefaultIsSimCLRExample(t *testing.T) {
	cfg := train.Default()
	if err := config.Load("../examples/simclr-mnist.yaml", &cfg); err != nil {
		t.Fatal(err)
	}
	want := train.Default()
	want.Finetune.Fractions = []float64{0.01, 0.1}
	if got, want := fmt.Sprintf("%+v", cfg), fmt.Sprintf("%+v", want); got != want {
		t.Errorf("simclr-mnist.yaml differs from train.Default():\n yaml    %s\n default %s", got, want)
	}
}
