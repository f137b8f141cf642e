package recommend

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/internal/config"
)

// smokeConfig trains on the committed slice in seconds.
func smokeConfig() Config {
	c := Default()
	c.Data = "movielens:" + sliceDir
	c.Model.Dim, c.Model.WordDim = 32, 16
	c.Text.Buckets = 256
	c.Train.Epochs, c.Train.Batch, c.Train.CoocBatch = 6, 128, 128
	c.Optim.LR = 3e-3
	return c
}

func TestTrainSmoke(t *testing.T) {
	out := t.TempDir()
	t0 := time.Now()
	m, err := Train(context.Background(), smokeConfig(), out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained in %v: recall@20 %.3f (pop %.3f, item-kNN %.3f), valid recall@20 %.3f, cold-start recall@20 %.3f (random %.3f)",
		time.Since(t0), m["recall_at_20"], m["pop_recall_at_20"], m["itemknn_recall_at_20"], m["valid_recall_at_20"],
		m["coldstart_recall_at_20"], m["pop_coldstart_recall_at_20"])
	// A random ranking finds the target in the top 20 of about 1350 warm
	// candidates 1.5% of the time.
	random := 20 / (m["items"] - m["cold_items"])
	for _, k := range []string{"recall_at_20", "valid_recall_at_20"} {
		if m[k] < 4*random {
			t.Errorf("%s %.4f, not clearly above random %.4f", k, m[k], random)
		}
	}
	for _, k := range []string{"recall_at_10", "recall_at_20", "ndcg_at_10", "pop_recall_at_10", "pop_ndcg_at_10",
		"itemknn_recall_at_10", "itemknn_ndcg_at_10", "coldstart_recall_at_20", "pop_coldstart_recall_at_20",
		"valid_recall_at_10", "train_seconds"} {
		if _, ok := m[k]; !ok {
			t.Errorf("metric %s missing", k)
		}
	}
	raw, err := os.ReadFile(filepath.Join(out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	var onDisk map[string]float64
	if err := json.Unmarshal(raw, &onDisk); err != nil || onDisk["recall_at_10"] != m["recall_at_10"] {
		t.Fatalf("metrics.json %v (%v)", onDisk, err)
	}
	var resolved Config
	if err := config.Load(filepath.Join(out, ConfigFile), &resolved); err != nil || resolved.Train.Epochs != 6 {
		t.Fatalf("config.yaml: %+v, %v", resolved.Train, err)
	}
	checkServing(t, out)
}

// checkServing loads the run's model and checks Recommend against the model's
// own scores.
func checkServing(t *testing.T, dir string) {
	r, err := LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	items := r.Spec.Items
	hist := []int{items[3].MovieID, items[10].MovieID, items[42].MovieID}
	excl := []int{items[7].MovieID, 999999999}
	got, err := r.Recommend(hist, 5, excl)
	if err != nil {
		t.Fatal(err)
	}
	// Oracle: score every item with the towers, drop history and exclusions, sort.
	tp := ag.NewTape(false)
	v := r.itemVectors(tp, nil, nil)
	u := r.userVectors(tp, v, [][]int{{3, 10, 42}})
	s := tp.MatMul(u, v, false, true).Value.Data
	var order []int
	for i := range items {
		if i != 3 && i != 10 && i != 42 && i != 7 {
			order = append(order, i)
		}
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if s[a] > s[b] {
			return -1
		} else if s[a] < s[b] {
			return 1
		}
		return 0
	})
	if len(got) != 5 {
		t.Fatalf("%d results", len(got))
	}
	for i, g := range got {
		want := items[order[i]]
		if g.MovieID != want.MovieID || g.Title != want.Title || abs32(g.Score-s[order[i]]) > 1e-4 {
			t.Errorf("result %d: %+v, want movie %d (%s) score %v", i, g, want.MovieID, want.Title, s[order[i]])
		}
	}
	if _, err := r.Recommend([]int{-5}, 3, nil); err == nil || !strings.Contains(err.Error(), "-5") {
		t.Errorf("unknown movie: %v", err)
	}
	if _, err := r.Recommend(hist, 0, nil); err == nil {
		t.Error("k = 0 accepted")
	}
	pop, err := r.Recommend(nil, 3, []int{items[0].MovieID})
	if err != nil || len(pop) != 3 || pop[0].Score < pop[1].Score || pop[1].Score < pop[2].Score {
		t.Errorf("empty history: %+v, %v", pop, err)
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

func TestConfigValidate(t *testing.T) {
	if err := (&Config{}).Validate(); err == nil {
		t.Error("the zero config passed")
	}
	d := Default()
	if err := d.Validate(); err != nil {
		t.Fatalf("default: %v", err)
	}
	for _, tc := range []struct {
		name string
		edit func(c *Config)
		want string
	}{
		{"task", func(c *Config) { c.Task = "text" }, "task"},
		{"data", func(c *Config) { c.Data = "sick:x" }, "movielens:DIR"},
		{"cold", func(c *Config) { c.Split.ColdFraction = 1 }, "cold_fraction"},
		{"dim", func(c *Config) { c.Model.Dim = 0 }, "model.dim"},
		{"temperature", func(c *Config) { c.Model.Temperature = 0 }, "temperature"},
		{"half life", func(c *Config) { c.Model.HalfLife = 0 }, "half_life"},
		{"batch", func(c *Config) { c.Train.Batch = 1 }, "train.batch"},
		{"cooc", func(c *Config) { c.Train.CoocBatch = 1 }, "cooc"},
		{"lr", func(c *Config) { c.Optim.LR = 0 }, "optim.lr"},
		{"min lr", func(c *Config) { c.Optim.MinLR = 1 }, "min_lr"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.edit(&c)
			if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one about %s", err, tc.want)
			}
		})
	}
}

func TestExampleConfigLoads(t *testing.T) {
	c := Default()
	if err := config.Load("../examples/movielens.yaml", &c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Task != "recommend" || c.Train.Correction != LogQ || c.Model.Pooling != Recency {
		t.Errorf("loaded %+v", c)
	}
	var bad Config
	err := config.Decode(strings.NewReader("train:\n  correction: logp\n"), &bad)
	if err == nil || !strings.Contains(err.Error(), "logp") {
		t.Errorf("unknown correction: %v", err)
	}
}

func TestEnumsRoundTrip(t *testing.T) {
	for _, c := range []Correction{LogQ, NoCorrection} {
		b, _ := c.MarshalText()
		var back Correction
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("%v -> %s -> %v, %v", c, b, back, err)
		}
	}
	for _, p := range []Pooling{Mean, Recency} {
		b, _ := p.MarshalText()
		var back Pooling
		if err := back.UnmarshalText(b); err != nil || back != p {
			t.Errorf("%v -> %s -> %v, %v", p, b, back, err)
		}
	}
	if s := Pooling(9).String(); s != "Pooling(9)" {
		t.Errorf("%q", s)
	}
}
