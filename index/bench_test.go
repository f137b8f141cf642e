package index

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/internal/cputime"
	"github.com/contrast-ml/contrast/internal/npy"
)

// TestBenchLarge runs the benchmark harness when CONTRAST_INDEX_BENCH is set,
// either to n,dim,nq[,ef:ef:...] for synthetic clustered data (as the
// reference script's --synthetic) or to base.npy,queries.npy[,ef:ef:...] for
// the files the reference script saves with --save-dir, e.g.
//
//	CONTRAST_INDEX_BENCH=/tmp/ref/base.npy,/tmp/ref/queries.npy go test ./index -run TestBenchLarge -v -timeout 30m
//
// CONTRAST_INDEX_BENCH_REPEATS (default 3) sets how many timings the medians
// are taken over; _METRIC, _QUANT and _RERANK select the other options.
func TestBenchLarge(t *testing.T) {
	spec := os.Getenv("CONTRAST_INDEX_BENCH")
	if spec == "" {
		t.Skip("set CONTRAST_INDEX_BENCH=n,dim,nq or base.npy,queries.npy to run")
	}
	parts := strings.Split(spec, ",")
	var base, queries []float32
	var d int
	efs := ""
	if strings.HasSuffix(parts[0], ".npy") {
		if len(parts) < 2 {
			t.Fatal("want base.npy,queries.npy")
		}
		if len(parts) > 2 {
			efs = parts[2]
		}
		var err error
		var d2 int
		if base, _, d, err = npy.ReadFile(parts[0]); err != nil {
			t.Fatal(err)
		}
		if queries, _, d2, err = npy.ReadFile(parts[1]); err != nil {
			t.Fatal(err)
		}
		if d != d2 {
			t.Fatalf("base has dimension %d, queries %d", d, d2)
		}
	} else {
		if len(parts) < 3 {
			t.Fatal("want n,dim,nq")
		}
		n, _ := strconv.Atoi(parts[0])
		d, _ = strconv.Atoi(parts[1])
		nq, _ := strconv.Atoi(parts[2])
		base, queries = clustered(n, d, nq, 100, 1)
		if len(parts) > 3 {
			efs = parts[3]
		}
	}
	repeats, _ := strconv.Atoi(os.Getenv("CONTRAST_INDEX_BENCH_REPEATS"))
	cfg := BenchConfig{Repeats: max(repeats, 3), Progress: func(s string) { t.Log(s) }}
	if efs != "" {
		for _, e := range strings.Split(efs, ":") {
			ef, _ := strconv.Atoi(e)
			cfg.Efs = append(cfg.Efs, ef)
		}
	}
	if q := os.Getenv("CONTRAST_INDEX_BENCH_QUANT"); q != "" {
		var err error
		if cfg.Quantization, err = ParseQuantization(q); err != nil {
			t.Fatal(err)
		}
		cfg.Rerank, _ = strconv.Atoi(os.Getenv("CONTRAST_INDEX_BENCH_RERANK"))
	}
	if m := os.Getenv("CONTRAST_INDEX_BENCH_METRIC"); m != "" {
		var err error
		if cfg.Metric, err = ParseMetric(m); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := Bench(context.Background(), base, queries, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(rep, "", " ")
	fmt.Println(string(b))
}

// benchIndexes caches the indexes of BenchmarkSearch between runs.
var benchIndexes = map[string]Index{}

// BenchmarkSearch measures searches on 10,000 clustered 64-dimensional
// vectors: one query at a time and batches of 256, for each index kind.
func BenchmarkSearch(b *testing.B) {
	const n, d, nq, k = 10000, 64, 256, 10
	base, queries := clustered(n, d, nq, 50, 5)
	for _, v := range []struct {
		name string
		kind Kind
		q    Quantization
	}{{"flat", KindFlat, NoQuant}, {"hnsw", KindHNSW, NoQuant}, {"hnsw-int8", KindHNSW, Int8PerDim}} {
		idx := benchIndexes[v.name]
		if idx == nil {
			var err error
			if idx, err = New(v.kind, Config{Dim: d, Metric: Cosine, Quantization: v.q}); err != nil {
				b.Fatal(err)
			}
			if err := idx.Add(itemsOf(base, d)...); err != nil {
				b.Fatal(err)
			}
			benchIndexes[v.name] = idx
		}
		run := func(mode string, f func(i int)) {
			b.Run(v.name+"/"+mode, func(b *testing.B) {
				b.ReportAllocs()
				i := 0
				c0 := cputime.Process()
				for b.Loop() {
					f(i)
					i++
				}
				cpu := (cputime.Process() - c0).Seconds()
				per := 1
				if mode == "batch" {
					per = nq
				}
				b.ReportMetric(float64(b.N*per)/b.Elapsed().Seconds(), "queries/s")
				if cpu > 0 {
					b.ReportMetric(float64(b.N*per)/cpu, "queries/cpu-s")
				}
			})
		}
		run("single", func(i int) {
			j := i % nq
			if _, err := idx.Search(queries[j*d:(j+1)*d], k, Params{Ef: 40}); err != nil {
				b.Fatal(err)
			}
		})
		run("batch", func(int) {
			if _, err := idx.SearchBatch(queries, k, Params{Ef: 40}); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// BenchmarkWriteSnapshot writes the snapshot of an HNSW index of 20,000
// items (32-d), which DB.Compact does while writers wait.
func BenchmarkWriteSnapshot(b *testing.B) {
	const n, d = 20000, 32
	base, _ := clustered(n, d, 0, 20, 31)
	h, err := NewHNSW(Config{Dim: d, Metric: Cosine, M: 12, EfConstruction: 64})
	if err != nil {
		b.Fatal(err)
	}
	if err := h.Add(itemsOf(base, d)...); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteSnapshot(io.Discard, h); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWriteDuringCompact measures how long a write waits while
// DB.Compact vacuums an HNSW index of 20,000 items, a third of them
// deleted: one item is upserted every millisecond from another goroutine
// during each Compact, and the slowest of those writes is reported
// (max_write_ms) beside the Compact's own time (ns/op); as a library would
// open the DB (no automatic compaction, no fsync per write) and as `contrast
// serve` does (group commit, automatic compaction at 256 MiB of log).
func BenchmarkWriteDuringCompact(b *testing.B) {
	const n, d = 20000, 32
	base, _ := clustered(n, d, 0, 20, 31)
	items := itemsOf(base, d)
	for _, c := range []struct {
		name string
		opt  Options
	}{
		{"library", Options{Sync: SyncNever}},
		{"served", Options{Sync: SyncGroup, CompactBytes: 256 << 20}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var slowest time.Duration
			for b.Loop() {
				b.StopTimer()
				opt := c.opt
				opt.Kind, opt.Config = KindHNSW, Config{Dim: d, Metric: Cosine, M: 12, EfConstruction: 64}
				db, err := Open(b.TempDir(), opt)
				if err != nil {
					b.Fatal(err)
				}
				if err := db.Add(items...); err != nil {
					b.Fatal(err)
				}
				var gone []string
				for i := 0; i < n; i += 3 {
					gone = append(gone, items[i].ID)
				}
				if _, err := db.Delete(gone...); err != nil {
					b.Fatal(err)
				}
				var stop atomic.Bool
				done := make(chan time.Duration)
				go func() {
					var worst time.Duration
					for i := 0; !stop.Load(); i++ {
						it := Item{ID: "w" + strconv.Itoa(i), Vector: base[(i%n)*d : (i%n+1)*d]}
						t0 := time.Now()
						if err := db.Upsert(it); err != nil {
							panic(err)
						}
						worst = max(worst, time.Since(t0))
						time.Sleep(time.Millisecond)
					}
					done <- worst
				}()
				b.StartTimer()
				if err := db.Compact(); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				stop.Store(true)
				slowest = max(slowest, <-done)
				db.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(slowest.Microseconds())/1000, "max_write_ms")
		})
	}
}
