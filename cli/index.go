package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/internal/npy"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

func newIndexCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "index",
		Short: "Build similarity indexes and benchmark them",
	}
	cmd.AddCommand(newIndexBuildCmd(), newIndexBenchCmd())
	return cmd
}

// indexBuildFlags are the flags of contrast index build.
type indexBuildFlags struct {
	model, spec, split, vectors, synthetic, out string
	kind, metric, quant                         string
	m, efC, ef, rerank                          int
	seed                                        uint64
}

func newIndexBuildCmd() *cobra.Command {
	var bf indexBuildFlags
	cmd := &cobra.Command{
		Use:   "build --out DIR (--model DIR --data SPEC | --vectors F.npy | --synthetic N,DIM) [flags]",
		Short: "Embed a data set (or read vectors) into a durable index directory for contrast serve",
		Long: `build writes an index directory (snapshot + empty log, as index.DB keeps it) that
contrast serve opens. The directory appears only once complete: it is built beside
--out and renamed into place, so an error, Ctrl-C or a crash leaves no partial index.
Every vector must be finite, with a squared norm that float32 scores can carry. The
vectors come from one of:

  --model DIR --data SPEC [--split S]  the trained encoder's embeddings of a data set; item IDs
                                       are the example numbers, metadata {"label": L, "class": NAME}
  --vectors F.npy                      a (n, dim) float32/float64 array; IDs are row numbers
  --synthetic N,DIM                    seeded Gaussian clusters (100 centres, N(0,1), points at
                                       centre + 0.5*N(0,1)), the recipe of index_reference.py`,
		Example: `  contrast index build --model runs/simclr --data mnist --split train --out idx/mnist
  contrast index build --synthetic 100000,128 --out idx/synth --kind hnsw --metric cosine`,
		RunE: func(cmd *cobra.Command, _ []string) error { return runIndexBuild(cmd, bf) },
	}
	f := cmd.Flags()
	f.StringVar(&bf.model, "model", "", "run directory of contrast train")
	f.StringVar(&bf.spec, "data", "", "data source spec: "+data.SpecForms)
	f.StringVar(&bf.split, "split", "", "split to index (default the first)")
	f.StringVar(&bf.vectors, "vectors", "", "index the rows of this .npy file instead")
	f.StringVar(&bf.synthetic, "synthetic", "", "index N seeded random vectors of dimension DIM instead (N,DIM)")
	f.StringVar(&bf.out, "out", "", "index directory to create (must not exist, or be an empty directory)")
	f.StringVar(&bf.kind, "kind", "hnsw", "index kind: hnsw or flat")
	f.StringVar(&bf.metric, "metric", "cosine", "metric: cosine, dot or l2")
	f.IntVar(&bf.m, "M", index.DefaultM, "HNSW links per node")
	f.IntVar(&bf.efC, "ef-construction", index.DefaultEfConstruction, "HNSW candidate list while inserting")
	f.IntVar(&bf.ef, "ef", index.DefaultEf, "HNSW default candidate list while searching")
	f.StringVar(&bf.quant, "quant", "none", "vector storage: none (float32), int8 (per-dimension ranges) or int8-global, 4x smaller")
	f.IntVar(&bf.rerank, "rerank", 0, "with --quant, keep the float32 vectors too and re-rank rerank*k candidates exactly")
	f.Uint64Var(&bf.seed, "seed", 1, "seed of --synthetic and of HNSW levels")
	f.SortFlags = false
	return cmd
}

// buildSource is what index build indexes: items of dimension dim, read
// from name (a file, or a description of the source), row i as items[i].
type buildSource struct {
	items []index.Item
	dim   int
	name  string
}

// check refuses a source without items and names the first row whose vector
// no index accepts (index.CheckVector), before anything is written.
func (src buildSource) check() error {
	if len(src.items) == 0 {
		return fmt.Errorf("index build: %s holds no vectors (no items to index)", src.name)
	}
	for i := range src.items {
		if err := index.CheckVector(src.items[i].Vector); err != nil {
			return fmt.Errorf("index build: %s row %d: %w", src.name, i, err)
		}
	}
	return nil
}

// buildItems gathers the items of index build from its source flags.
func buildItems(bf indexBuildFlags) (buildSource, error) {
	sources := 0
	for _, s := range []string{bf.model, bf.vectors, bf.synthetic} {
		if s != "" {
			sources++
		}
	}
	if sources != 1 || (bf.model != "") != (bf.spec != "") {
		return buildSource{}, usagef("index build: give one source: --model DIR with --data SPEC, --vectors F.npy, or --synthetic N,DIM")
	}
	rowItems := func(x []float32, n, dim int) []index.Item {
		items := make([]index.Item, n)
		for i := range items {
			items[i] = index.Item{ID: strconv.Itoa(i), Vector: x[i*dim : (i+1)*dim : (i+1)*dim]}
		}
		return items
	}
	switch {
	case bf.synthetic != "":
		n, dim, err := parsePair(bf.synthetic)
		if err != nil {
			return buildSource{}, usagef("index build: --synthetic %q: want N,DIM with both positive", bf.synthetic)
		}
		return buildSource{rowItems(SyntheticVectors(n, dim, bf.seed), n, dim), dim, "--synthetic " + bf.synthetic}, nil
	case bf.vectors != "":
		x, n, dim, err := npy.ReadFile(bf.vectors)
		if err != nil {
			return buildSource{}, err
		}
		return buildSource{rowItems(x, n, dim), dim, bf.vectors}, nil
	}
	sp, err := data.ParseSpec(bf.spec)
	if err != nil {
		return buildSource{}, UsageError{err}
	}
	l, _, info, err := train.LoadModel(bf.model)
	if err != nil {
		return buildSource{}, err
	}
	set, err := data.Load(sp)
	if err != nil {
		return buildSource{}, err
	}
	im, err := set.Images(bf.split)
	if err != nil {
		return buildSource{}, UsageError{fmt.Errorf("index build: %w", err)}
	}
	if err := checkImages("index build", sp, info.Input, im); err != nil {
		return buildSource{}, err
	}
	z := train.Embed(l.Encoder(), im, true)
	items := rowItems(z.Data, z.Rows, z.Cols)
	for i := range items {
		meta := map[string]any{"label": im.Labels[i]}
		if lab := im.Labels[i]; lab >= 0 && lab < len(im.ClassNames) {
			meta["class"] = im.ClassNames[lab]
		}
		items[i].Meta, _ = json.Marshal(meta)
	}
	return buildSource{items, z.Cols, "the embeddings of " + bf.spec}, nil
}

func parsePair(s string) (int, int, error) {
	a, b, ok := strings.Cut(s, ",")
	n, err1 := strconv.Atoi(strings.TrimSpace(a))
	d, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil || n < 1 || d < 1 {
		return 0, 0, errors.New("bad pair")
	}
	return n, d, nil
}

// SyntheticVectors returns n seeded vectors of dimension dim, (n, dim): 100
// centres drawn from N(0, 1) and each vector a random centre plus 0.5*N(0, 1),
// the recipe of shared/bench/index_reference.py (same distribution, not the
// same numbers as NumPy's generator).
func SyntheticVectors(n, dim int, seed uint64) []float32 {
	x := make([]float32, n*dim)
	draw := syntheticSource(dim, seed)
	rng := rand.New(rand.NewPCG(seed, 0xd2a7))
	for i := range n {
		draw(x[i*dim:(i+1)*dim], rng)
	}
	return x
}

// syntheticSource returns a function that draws vectors around the 100
// centres that seed gives (SyntheticVectors' distribution) with rng.
func syntheticSource(dim int, seed uint64) func(dst []float32, rng *rand.Rand) {
	rng := rand.New(rand.NewPCG(seed, 0x5e7))
	centres := make([]float32, 100*dim)
	for i := range centres {
		centres[i] = float32(rng.NormFloat64())
	}
	return func(dst []float32, rng *rand.Rand) {
		c := centres[rng.IntN(100)*dim:]
		for j := range dst {
			dst[j] = c[j] + 0.5*float32(rng.NormFloat64())
		}
	}
}

// runIndexBuild is contrast index build. The index appears in --out only
// once complete (index.Build): an error, Ctrl-C or SIGTERM (cmd.Context(),
// checked between chunks of index.BuildChunk items) or a kill leaves no
// partial index that serve would open as whole.
func runIndexBuild(cmd *cobra.Command, bf indexBuildFlags) error {
	ctx := cmd.Context()
	opt, err := bf.options()
	if err != nil {
		return err
	}
	// Before the source is read or embedded, which can take long.
	if err := index.CheckNewDir(bf.out); err != nil {
		return UsageError{fmt.Errorf("index build: --out: %w; choose a new --out", err)}
	}
	src, err := buildItems(bf)
	if err != nil {
		return err
	}
	if err := src.check(); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index build: interrupted: %w; no index was written to %s", err, bf.out)
	}
	opt.Config.Dim = src.dim
	stderr := cmd.ErrOrStderr()
	t0 := time.Now()
	progress := func(done int) {
		fmt.Fprintf(stderr, "\rindexed %d/%d (%.0f/s)", done, len(src.items), float64(done)/time.Since(t0).Seconds())
	}
	err = index.Build(ctx, bf.out, opt, src.items, progress)
	fmt.Fprintln(stderr)
	if err != nil {
		return fmt.Errorf("index build: %w; no index was written to %s", err, bf.out)
	}
	store := ""
	if q := opt.Config.Quantization; q != index.NoQuant {
		store = ", " + q.String()
	}
	fmt.Fprintf(cmd.OutOrStdout(), "wrote %s index of %d vectors (dim %d, %v%s) to %s in %.1f s\n", opt.Kind, len(src.items), src.dim, opt.Config.Metric, store, bf.out, time.Since(t0).Seconds())
	return nil
}

// options parses the index flags of index build into index.Options (all
// but the dimension, which the source gives).
func (bf indexBuildFlags) options() (index.Options, error) {
	if bf.out == "" {
		return index.Options{}, usagef("index build: --out DIR is required")
	}
	kind, err := index.ParseKind(bf.kind)
	if err != nil {
		return index.Options{}, UsageError{fmt.Errorf("index build: --kind: %w", err)}
	}
	metric, err := index.ParseMetric(bf.metric)
	if err != nil {
		return index.Options{}, UsageError{fmt.Errorf("index build: --metric: %w", err)}
	}
	quant, err := index.ParseQuantization(bf.quant)
	if err != nil {
		return index.Options{}, UsageError{fmt.Errorf("index build: --quant: %w", err)}
	}
	if bf.rerank < 0 || bf.rerank > 0 && quant == index.NoQuant {
		return index.Options{}, usagef("index build: --rerank %d: want 0, or a count >= 1 with --quant int8 or int8-global", bf.rerank)
	}
	cfg := index.Config{Metric: metric, Quantization: quant, Rerank: bf.rerank, M: bf.m, EfConstruction: bf.efC, Ef: bf.ef, Seed: bf.seed}
	// Check the HNSW parameters now, on an empty index of a stand-in
	// dimension, rather than after the source was read or embedded.
	probe := cfg
	probe.Dim = 1
	if _, err := index.New(kind, probe); err != nil {
		return index.Options{}, UsageError{fmt.Errorf("index build: %w", err)}
	}
	return index.Options{Kind: kind, Config: cfg, Sync: index.SyncNever}, nil
}

func newIndexBenchCmd() *cobra.Command {
	var (
		base, queries, metric, efs, jsonF, quant string
		cfg                                      index.BenchConfig
	)
	cmd := &cobra.Command{
		Use:   "bench --base B.npy --queries Q.npy [--k 10] [--metric cosine] [--json FILE]",
		Short: "Recall@k and queries/s of exact and HNSW search (the JSON of index_reference.py)",
		Long: `bench builds an exact and an HNSW index over the base vectors and measures, for the
queries: recall@k of HNSW against exact search at each --ef, queries per second one at a
time and as one batch, and build seconds. The JSON keys are those of
shared/bench/index_reference.py (FAISS flat and hnswlib), so the two sit side by side.`,
		Example: "  contrast index bench --base base.npy --queries queries.npy --k 10 --json contrast.json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if base == "" || queries == "" {
				return usagef("index bench: --base and --queries are required")
			}
			if err := checkBenchCounts(cfg); err != nil {
				return err
			}
			if jsonF != "" {
				if err := checkWritable("index bench: --json", jsonF); err != nil {
					return err
				}
			}
			var err error
			if cfg.Metric, err = index.ParseMetric(metric); err != nil {
				return UsageError{fmt.Errorf("index bench: --metric: %w", err)}
			}
			if cfg.Quantization, err = index.ParseQuantization(quant); err != nil {
				return UsageError{fmt.Errorf("index bench: --quant: %w", err)}
			}
			for _, s := range strings.Split(efs, ",") {
				ef, err := strconv.Atoi(strings.TrimSpace(s))
				if err != nil || ef < 1 {
					return usagef("index bench: --ef %q: want a comma list of positive integers", efs)
				}
				cfg.Efs = append(cfg.Efs, ef)
			}
			xb, nb, db, err := npy.ReadFile(base)
			if err != nil {
				return UsageError{err}
			}
			xq, _, dq, err := npy.ReadFile(queries)
			if err != nil {
				return UsageError{err}
			}
			if db != dq {
				return usagef("index bench: base has dimension %d, queries %d", db, dq)
			}
			stderr := cmd.ErrOrStderr()
			cfg.Progress = func(s string) { fmt.Fprintln(stderr, s) }
			rep, err := index.Bench(cmd.Context(), xb, xq, db, cfg)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%d x %d base, %d queries, k=%d, %s\n", nb, db, rep.Queries, rep.K, rep.Metric)
			fmt.Fprintf(w, "exact: build %.2f s, %.0f q/s single, %.0f q/s batched\n", rep.FlatBuildS, rep.FlatQPSSingle, rep.FlatQPSBatch)
			fmt.Fprintf(w, "hnsw (M=%d, efC=%d): build %.2f s\n", rep.M, rep.EfConstruction, rep.HNSWBuildS)
			fmt.Fprintf(w, "%6s %8s %12s %12s\n", "ef", "recall", "q/s single", "q/s batch")
			for _, r := range rep.HNSW {
				fmt.Fprintf(w, "%6d %8.4f %12.0f %12.0f\n", r.Ef, r.Recall, r.QPSSingle, r.QPSBatch)
			}
			if jsonF != "" {
				b, _ := json.MarshalIndent(rep, "", "  ")
				return atomicfile.WriteFile(jsonF, append(b, '\n'), 0o644)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&base, "base", "", "base vectors, (n, dim) .npy")
	f.StringVar(&queries, "queries", "", "query vectors, (nq, dim) .npy")
	f.IntVar(&cfg.K, "k", 10, "neighbours per query (recall is over min(k, base rows) true neighbours)")
	f.StringVar(&metric, "metric", "cosine", "metric: cosine, dot (ip) or l2")
	f.IntVar(&cfg.M, "M", index.DefaultM, "HNSW links per node")
	f.IntVar(&cfg.EfConstruction, "ef-construction", index.DefaultEfConstruction, "HNSW build candidate list")
	f.StringVar(&efs, "ef", "16,32,64,128,256", "HNSW search candidate lists to measure")
	f.StringVar(&quant, "quant", "none", "HNSW vector storage: none, int8 or int8-global")
	f.IntVar(&cfg.Rerank, "rerank", 0, "with --quant, re-rank rerank*k candidates exactly")
	f.IntVar(&cfg.SingleQueries, "single", 500, "queries timed one at a time")
	f.IntVar(&cfg.Repeats, "repeats", 3, "timings per figure (median reported)")
	f.Uint64Var(&cfg.Seed, "seed", 1, "HNSW level seed")
	f.StringVar(&jsonF, "json", "", "also write the JSON report to this file")
	f.SortFlags = false
	return cmd
}

// checkBenchCounts refuses index bench's count flags below 1 (index.Bench
// would take 0 for its default), naming the flag.
func checkBenchCounts(cfg index.BenchConfig) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"--k", cfg.K}, {"--single", cfg.SingleQueries}, {"--repeats", cfg.Repeats}} {
		if f.v < 1 {
			return usagef("index bench: %s %d: want a positive count", f.name, f.v)
		}
	}
	return nil
}

// checkWritable reports, before long work whose result goes to path, whether
// a file can be written there: path is not a directory and a file can be
// created beside it (as atomicfile will create its temporary one).
func checkWritable(what, path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return usagef("%s %s: is a directory", what, path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), atomicfile.TempPattern(path))
	if err != nil {
		return usagef("%s %s: cannot write there: %v", what, path, err)
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}
