package recommend

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
	"github.com/spf13/pflag"
)

// TestMovieLensFull trains examples/movielens.yaml on the shared MovieLens set
// and prints the metrics (CONTRAST_LONG=1; minutes). CONTRAST_FLAGS may add
// config flags, e.g. "--train.epochs=3 --model.dim=32"; CONTRAST_OUT keeps the
// run directory.
func TestMovieLensFull(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") != "1" {
		t.Skip("set CONTRAST_LONG=1 to train on the whole MovieLens set")
	}
	cfg := Default()
	if err := config.Load("../examples/movielens.yaml", &cfg); err != nil {
		t.Fatal(err)
	}
	if fl := os.Getenv("CONTRAST_FLAGS"); fl != "" {
		fs := pflag.NewFlagSet("recommend", pflag.ContinueOnError)
		config.Bind(fs, &cfg)
		if err := fs.Parse(strings.Fields(fl)); err != nil {
			t.Fatal(err)
		}
	}
	dir, err := cfg.DataDir()
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(dir) {
		cfg.Data = "movielens:" + filepath.Join("..", dir) // the config is relative to the repository root
	}
	if _, err := os.Stat(filepath.Join(filepath.Join("..", dir), RatingsFile)); err != nil {
		t.Skipf("MovieLens not found: %v", err)
	}
	out := os.Getenv("CONTRAST_OUT") // keep the run directory there
	if out == "" {
		out = t.TempDir()
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	m, err := Train(context.Background(), cfg, out, log)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Printf("%-36s %.4f\n", k, m[k])
	}
	for _, k := range []string{"recall_at_10", "ndcg_at_10"} {
		fmt.Printf("%-12s %.4f vs pop %.4f (%+.4f ± %.4f) and item-kNN %.4f (%+.4f ± %.4f)\n", k, m[k],
			m["pop_"+k], m["lead_over_pop_"+k], m["lead_over_pop_"+k+"_ci95"],
			m["itemknn_"+k], m["lead_over_itemknn_"+k], m["lead_over_itemknn_"+k+"_ci95"])
	}
	fmt.Printf("cold-start recall@20 %.4f vs pop %.4f; training %.0f s\n", m["coldstart_recall_at_20"], m["pop_coldstart_recall_at_20"], m["train_seconds"])
}
