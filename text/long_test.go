package text

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
)

// TestSTSFull runs examples/sts.yaml as `contrast train --config
// examples/sts.yaml --out DIR` will, and prints the metrics. It takes minutes,
// so it runs only with CONTRAST_LONG=1:
//
//	CONTRAST_LONG=1 go test ./text -run TestSTSFull -v -timeout 30m
//
// CONTRAST_OUT sets the output directory (default: a temporary one),
// CONTRAST_GLOVE the word-vector file (default: the config's, "auto" =
// ~/.cache/contrast/glove-100d.bin; "none" trains without GloVe), and
// CONTRAST_SET a YAML fragment applied over the file, as flags would be (e.g.
// CONTRAST_SET='optim: {word_lr_scale: 20}').
func TestSTSFull(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") != "1" {
		t.Skip("set CONTRAST_LONG=1 to train examples/sts.yaml (minutes)")
	}
	cfg := Default()
	if err := config.Load(filepath.Join("..", "examples", "sts.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(cfg.DataRoot) {
		cfg.DataRoot = filepath.Join("..", cfg.DataRoot) // the config's paths are relative to the repository root
	}
	if set := os.Getenv("CONTRAST_SET"); set != "" {
		if err := config.Decode(strings.NewReader(set), &cfg); err != nil {
			t.Fatalf("CONTRAST_SET: %v", err)
		}
	}
	switch g := os.Getenv("CONTRAST_GLOVE"); g {
	case "":
	case "none":
		cfg.GloVe.Path, cfg.Encoder.Anchor = "", 0
	default:
		cfg.GloVe.Path = g
	}
	out := os.Getenv("CONTRAST_OUT")
	if out == "" {
		out = t.TempDir()
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m, err := Train(context.Background(), cfg, out, log)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("%-40s %.4f", k, m[k])
	}
	t.Logf("output in %s", out)
}
