package index

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestRecallFewerThanK: recall is over the true neighbours that exist,
// min(k, n): a search that finds all of them scores 1, whatever k asks.
func TestRecallFewerThanK(t *testing.T) {
	one := [][]Result{{{ID: "a"}}}
	if r := Recall(one, one, 10); r != 1 {
		t.Errorf("one base vector, k=10: recall %v, want 1", r)
	}
	got := [][]Result{{{ID: "a"}, {ID: "x"}}, {}}
	truth := [][]Result{{{ID: "a"}, {ID: "b"}}, {}}
	if r := Recall(got, truth, 5); r != 0.75 {
		t.Errorf("recall %v, want (1/2 + 1)/2 = 0.75 (a query with no true neighbour counts 1)", r)
	}
	base, queries := clustered(30, 4, 5, 3, 1)
	rep, err := Bench(context.Background(), base, queries, 4, BenchConfig{K: 50, Efs: []int{64}})
	if err != nil {
		t.Fatal(err)
	}
	if r := rep.HNSW[0].Recall; r != 1 {
		t.Errorf("k=50 over 30 vectors at ef=64 (every node): recall %v, want 1", r)
	}
}

// TestBenchRefusesBadConfig: negative counts and HNSW parameters out of range
// are refused before any index is built.
func TestBenchRefusesBadConfig(t *testing.T) {
	base, queries := clustered(20, 4, 3, 2, 1)
	cases := []struct {
		cfg  BenchConfig
		want string
	}{
		{BenchConfig{K: -1}, "k -1"},
		{BenchConfig{SingleQueries: -1}, "single queries"},
		{BenchConfig{Repeats: -2}, "repeats"},
		{BenchConfig{Efs: []int{16, 0}}, "ef 0"},
		{BenchConfig{M: 1}, "M 1"},
	}
	for _, c := range cases {
		built := false
		c.cfg.Progress = func(string) { built = true }
		_, err := Bench(context.Background(), base, queries, 4, c.cfg)
		if err == nil || !strings.Contains(err.Error(), c.want) || built {
			t.Errorf("%+v: error %v (work started: %v), want one mentioning %q", c.cfg, err, built, c.want)
		}
	}
}

// TestBenchInterrupted cancels the context at each stage of Bench: it
// returns the context's error before the next one.
func TestBenchInterrupted(t *testing.T) {
	base, queries := clustered(3*BuildChunk, 4, 10, 5, 1)
	for _, stage := range []string{"exact index: adding", "exact index: 10 queries one", "HNSW: building", "HNSW: ef=16"} {
		ctx, cancel := context.WithCancel(context.Background())
		var after []string
		cfg := BenchConfig{Efs: []int{16, 32}, M: 4, EfConstruction: 8, Repeats: 2, Progress: func(s string) {
			if strings.HasPrefix(s, stage) {
				cancel()
			} else if ctx.Err() != nil {
				after = append(after, s)
			}
		}}
		_, err := Bench(ctx, base, queries, 4, cfg)
		cancel()
		if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "interrupted") || len(after) > 0 {
			t.Errorf("cancelled at %q: error %v, went on to %q", stage, err, after)
		}
	}
	// The HNSW build itself stops between chunks.
	h, _ := NewHNSW(Config{Dim: 4, Metric: Cosine})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := buildHNSW(ctx, h, itemsOf(base, 4)); !errors.Is(err, context.Canceled) || h.Len() != 0 {
		t.Errorf("cancelled HNSW build: error %v, %d items inserted", err, h.Len())
	}
}
