package index

import (
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// TestConcurrentReadWrite runs searches of every kind alongside writers; run
// it with -race. Items of the "stable" set are never touched by writers, so
// every search must find k live results.
func TestConcurrentReadWrite(t *testing.T) {
	const d, k = 8, 5
	for _, v := range []variant{
		{name: "flat", kind: KindFlat},
		{name: "hnsw", kind: KindHNSW},
		{name: "hnsw-int8", kind: KindHNSW, quant: Int8PerDim, rerank: 2},
		{name: "db-hnsw", kind: KindHNSW, durable: true},
	} {
		t.Run(v.name, func(t *testing.T) {
			cfg := Config{Dim: d, Metric: Cosine, Quantization: v.quant, Rerank: v.rerank, M: 6, EfConstruction: 24}
			var idx Index
			var err error
			if v.durable {
				var db *DB
				db, err = Open(filepath.Join(t.TempDir(), "db"), Options{Kind: v.kind, Config: cfg, Sync: SyncGroup})
				if err == nil {
					defer db.Close()
				}
				idx = db
			} else {
				idx, err = New(v.kind, cfg)
			}
			must(t, err)
			stable := smallItems("s", 200, d, 1)
			must(t, idx.Add(stable...))
			churn := smallItems("c", 100, d, 2)
			var wg sync.WaitGroup
			for w := 0; w < 2; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := w; i < len(churn); i += 2 {
						if err := idx.Upsert(churn[i]); err != nil {
							t.Error(err)
							return
						}
						if i%3 == 0 {
							if _, err := idx.Delete(churn[i/2].ID); err != nil {
								t.Error(err)
								return
							}
						}
					}
				}()
			}
			for r := 0; r < 3; r++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < 60; i++ {
						q := stable[(i*7+r)%len(stable)].Vector
						res, err := idx.Search(q, k, Params{})
						if err == nil && len(res) != k {
							t.Errorf("search got %d results", len(res))
						}
						if err != nil {
							t.Error(err)
							return
						}
						if _, err := idx.SearchByID("s"+strconv.Itoa(i), k, Params{Filter: &Filter{Field: "g", Equals: []byte("1")}}); err != nil {
							t.Error(err)
							return
						}
						if _, err := idx.SearchBatch(append(q[:d:d], q...), k, Params{}); err != nil {
							t.Error(err)
							return
						}
						idx.Get("c" + strconv.Itoa(i))
						idx.Len()
					}
				}()
			}
			wg.Wait()
		})
	}
}
