package index

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/contrast-ml/contrast/internal/cputime"
)

// BenchConfig configures Bench. Zero fields take the defaults noted;
// negative counts are refused.
type BenchConfig struct {
	K      int    // neighbours per query (default 10)
	Metric Metric // default Cosine
	// HNSW build parameters (defaults 16 and 200) and the ef values to
	// measure (default 16, 32, 64, 128, 256).
	M, EfConstruction int
	Efs               []int
	Quantization      Quantization
	Rerank            int
	Seed              uint64
	// SingleQueries is how many queries are timed one at a time, on one
	// goroutine (default min(queries, 500), as the reference script).
	SingleQueries int
	// Repeats is how many times each timing is taken; the median is reported
	// (default 1; the machine is shared, so use 3 or more for figures).
	Repeats int
	// SkipFlatSingle skips timing exact single queries (slow on big inputs).
	SkipFlatSingle bool
	// Progress, when set, is told what is being done.
	Progress func(stage string)
}

// BenchReport is the outcome of Bench; its JSON keys match the reference
// script shared/bench/index_reference.py (FAISS flat and hnswlib).
type BenchReport struct {
	N              int     `json:"n"`
	Dim            int     `json:"dim"`
	Queries        int     `json:"queries"`
	K              int     `json:"k"`
	Metric         string  `json:"metric"`
	Quantization   string  `json:"quantization"`
	M              int     `json:"M"`
	EfConstruction int     `json:"ef_construction"`
	FlatBuildS     float64 `json:"flat_build_s"`
	FlatQPSSingle  float64 `json:"flat_qps_single"`
	FlatQPSBatch   float64 `json:"flat_qps_batch"`
	// Queries per CPU-second of this process (user + system time, all
	// threads): unlike the wall-clock rates, unaffected by other processes
	// taking turns on the cores. 0 where the OS does not report it.
	FlatCPUQPSSingle float64    `json:"flat_cpu_qps_single"`
	FlatCPUQPSBatch  float64    `json:"flat_cpu_qps_batch"`
	HNSWBuildS       float64    `json:"hnsw_build_s"`
	HNSW             []BenchRow `json:"hnsw"`
}

// BenchRow is one ef setting of HNSW.
type BenchRow struct {
	Ef        int     `json:"ef"`
	Recall    float64 `json:"recall"`
	QPSSingle float64 `json:"qps_single"`
	QPSBatch  float64 `json:"qps_batch"`
	// Queries per CPU-second (see BenchReport).
	CPUQPSSingle float64 `json:"cpu_qps_single"`
	CPUQPSBatch  float64 `json:"cpu_qps_batch"`
}

// Bench builds an exact (Flat) and an HNSW index over base, (n, dim), and
// measures, for queries, (nq, dim): recall@k of HNSW against exact search for
// each ef, queries per second one at a time and as one batch, and build time.
// The configuration is checked before any of that work. A cancelled ctx
// stops it between HNSW build chunks (see BuildChunk), ef settings and
// timing repeats, with an error wrapping ctx's.
func Bench(ctx context.Context, base, queries []float32, dim int, cfg BenchConfig) (*BenchReport, error) {
	if dim <= 0 || len(base)%dim != 0 || len(queries)%dim != 0 {
		return nil, fmt.Errorf("index: bench: base (%d values) and queries (%d values) are not whole rows of dimension %d", len(base), len(queries), dim)
	}
	n, nq := len(base)/dim, len(queries)/dim
	if n == 0 || nq == 0 {
		return nil, fmt.Errorf("index: bench: need at least one base vector and one query, got %d and %d", n, nq)
	}
	cfg, err := cfg.withDefaults(nq)
	if err != nil {
		return nil, err
	}
	// stage starts a stage of the work, unless ctx is done, and says so.
	stage := func(format string, a ...any) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("index: bench: interrupted: %w", err)
		}
		if cfg.Progress != nil {
			cfg.Progress(fmt.Sprintf(format, a...))
		}
		return nil
	}
	icfg := Config{Dim: dim, Metric: cfg.Metric, M: cfg.M, EfConstruction: cfg.EfConstruction, Seed: cfg.Seed}
	hcfg := icfg
	hcfg.Quantization, hcfg.Rerank = cfg.Quantization, cfg.Rerank
	if _, err := hcfg.withDefaults(); err != nil {
		return nil, fmt.Errorf("index: bench: %w", err)
	}
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{ID: strconv.Itoa(i), Vector: base[i*dim : (i+1)*dim : (i+1)*dim]}
	}
	rep := &BenchReport{N: n, Dim: dim, Queries: nq, K: cfg.K, Metric: cfg.Metric.String(), Quantization: cfg.Quantization.String()}

	if err := stage("exact index: adding %d vectors", n); err != nil {
		return nil, err
	}
	flat, err := NewFlat(icfg)
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := flat.Add(items...); err != nil {
		return nil, err
	}
	rep.FlatBuildS = time.Since(t0).Seconds()
	if err := stage("exact index: %d queries as a batch", nq); err != nil {
		return nil, err
	}
	var truth [][]Result
	rep.FlatQPSBatch, rep.FlatCPUQPSBatch, err = medianQPS(ctx, cfg.Repeats, nq, func() error {
		truth, err = flat.SearchBatch(queries, cfg.K, Params{})
		return err
	})
	if err != nil {
		return nil, err
	}
	if !cfg.SkipFlatSingle {
		if err := stage("exact index: %d queries one at a time", cfg.SingleQueries); err != nil {
			return nil, err
		}
		if rep.FlatQPSSingle, rep.FlatCPUQPSSingle, err = singleQPS(ctx, flat, queries, dim, cfg.SingleQueries, cfg.K, Params{}, cfg.Repeats); err != nil {
			return nil, err
		}
	}
	flat = nil

	h, err := NewHNSW(hcfg)
	if err != nil {
		return nil, err
	}
	rep.M, rep.EfConstruction = h.cfg.M, h.cfg.EfConstruction
	if err := stage("HNSW: building over %d vectors (M=%d, efConstruction=%d)", n, h.cfg.M, h.cfg.EfConstruction); err != nil {
		return nil, err
	}
	t0 = time.Now()
	if err := buildHNSW(ctx, h, items); err != nil {
		return nil, err
	}
	rep.HNSWBuildS = time.Since(t0).Seconds()
	for _, ef := range cfg.Efs {
		p := Params{Ef: max(ef, cfg.K)}
		if err := stage("HNSW: ef=%d", ef); err != nil {
			return nil, err
		}
		row := BenchRow{Ef: ef}
		var got [][]Result
		row.QPSBatch, row.CPUQPSBatch, err = medianQPS(ctx, cfg.Repeats, nq, func() error {
			got, err = h.SearchBatch(queries, cfg.K, p)
			return err
		})
		if err != nil {
			return nil, err
		}
		row.Recall = Recall(got, truth, cfg.K)
		if row.QPSSingle, row.CPUQPSSingle, err = singleQPS(ctx, h, queries, dim, cfg.SingleQueries, cfg.K, p, cfg.Repeats); err != nil {
			return nil, err
		}
		rep.HNSW = append(rep.HNSW, row)
	}
	return rep, nil
}

// withDefaults refuses negative counts and ef values below 1 and fills in
// the defaults of zero fields; nq is the number of queries.
func (cfg BenchConfig) withDefaults(nq int) (BenchConfig, error) {
	switch {
	case cfg.K < 0:
		return cfg, fmt.Errorf("index: bench: k %d is negative", cfg.K)
	case cfg.SingleQueries < 0:
		return cfg, fmt.Errorf("index: bench: %d single queries is negative", cfg.SingleQueries)
	case cfg.Repeats < 0:
		return cfg, fmt.Errorf("index: bench: %d repeats is negative", cfg.Repeats)
	}
	for _, ef := range cfg.Efs {
		if ef < 1 {
			return cfg, fmt.Errorf("index: bench: ef %d is not positive", ef)
		}
	}
	if cfg.K == 0 {
		cfg.K = 10
	}
	if cfg.Metric == 0 {
		cfg.Metric = Cosine
	}
	if len(cfg.Efs) == 0 {
		cfg.Efs = []int{16, 32, 64, 128, 256}
	}
	if cfg.SingleQueries == 0 {
		cfg.SingleQueries = 500
	}
	cfg.SingleQueries = min(cfg.SingleQueries, nq)
	cfg.Repeats = max(cfg.Repeats, 1)
	return cfg, nil
}

// buildHNSW inserts items into the empty h in chunks (see writeChunks), so
// that a cancelled ctx stops the build between them; the quantizer, if any,
// is fitted on every item, as one Add of them all would fit it.
func buildHNSW(ctx context.Context, h *HNSW, items []Item) error {
	return writeChunks(ctx, items, func(chunk, fitOn []Item) error {
		return h.upsert(chunk, false, fitDue(h, fitOn))
	}, nil)
}

// Recall is the mean over queries of |got ∩ truth| / min(k, |truth|),
// comparing the IDs of the first k results of each: the share found of the
// true neighbours that exist, so that a base of fewer than k vectors (or a
// filter that few match) does not cap it below 1. A query with no true
// neighbour counts 1.
func Recall(got, truth [][]Result, k int) float64 {
	if len(got) == 0 {
		return 0
	}
	var sum float64
	for i := range got {
		want := map[string]bool{}
		for _, r := range truth[i][:min(k, len(truth[i]))] {
			want[r.ID] = true
		}
		if len(want) == 0 {
			sum++
			continue
		}
		hit := 0
		for _, r := range got[i][:min(k, len(got[i]))] {
			if want[r.ID] {
				hit++
			}
		}
		sum += float64(hit) / float64(len(want))
	}
	return sum / float64(len(got))
}

func singleQPS(ctx context.Context, idx Index, queries []float32, dim, m, k int, p Params, repeats int) (wall, cpu float64, err error) {
	return medianQPS(ctx, repeats, m, func() error {
		for i := 0; i < m; i++ {
			if _, err := idx.Search(queries[i*dim:(i+1)*dim], k, p); err != nil {
				return err
			}
		}
		return nil
	})
}

// medianQPS runs f repeats times and returns count over the median wall
// time and over the median CPU time (0 if unknown). A cancelled ctx stops it
// before the next run.
func medianQPS(ctx context.Context, repeats, count int, f func() error) (wall, cpu float64, err error) {
	ts := make([]float64, repeats)
	cs := make([]float64, repeats)
	for r := range ts {
		if err := ctx.Err(); err != nil {
			return 0, 0, fmt.Errorf("index: bench: interrupted: %w", err)
		}
		t0, c0 := time.Now(), cputime.Process()
		if err := f(); err != nil {
			return 0, 0, err
		}
		ts[r] = time.Since(t0).Seconds()
		cs[r] = (cputime.Process() - c0).Seconds()
	}
	slices.Sort(ts)
	slices.Sort(cs)
	wall = float64(count) / ts[len(ts)/2]
	if c := cs[len(cs)/2]; c > 0 {
		cpu = float64(count) / c
	}
	return wall, cpu, nil
}
