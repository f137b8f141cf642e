package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
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
			idx := openConcurrent(t, v.kind, cfg, v.durable, SyncGroup)
			stable := smallItems("s", 200, d, 1)
			if v.quant != NoQuant && !v.durable {
				fitOn(idx, stable) // 200 items do not reach MinQuantFit: searches must run on codes
			}
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
			if v.quant != NoQuant && !storeOf(idx).coded() {
				t.Errorf("%s searched float32 vectors, not codes", v.name)
			}
		})
	}
}

// TestConcurrentAcrossFit runs searches of every kind, snapshots and a check
// of the store's state alongside single-item writes that cross the lazy
// quantizer fit, on bare indexes and DBs; run it with -race. The fit installs
// the quantizer and stores the fitting write's items under one lock hold, so
// no reader may see a fitted store with fewer than MinQuantFit live items
// (deletions here come only well after the fit) or with codes missing for any
// slot. (Adapted from a reviewer's scratch test.)
func TestConcurrentAcrossFit(t *testing.T) {
	const d, k = 8, 5
	for _, v := range []struct {
		kind    Kind
		metric  Metric
		rerank  int
		durable bool
	}{
		{KindFlat, L2, 0, false},
		{KindFlat, Cosine, 2, true},
		{KindHNSW, Cosine, 2, false},
		{KindHNSW, L2, 0, true},
	} {
		t.Run(fmt.Sprintf("%v/%v/rerank%d/durable%v", v.kind, v.metric, v.rerank, v.durable), func(t *testing.T) {
			cfg := Config{Dim: d, Metric: v.metric, Quantization: Int8PerDim, Rerank: v.rerank, M: 4, EfConstruction: 16, Ef: 8}
			idx := openConcurrent(t, v.kind, cfg, v.durable, SyncNever)
			items := smallItems("c", 2*MinQuantFit, d, 7)
			must(t, idx.Upsert(items[0]))
			must(t, idx.Upsert(items[1])) // group 1: the filter's first match
			filter := &Filter{Field: "g", Equals: json.RawMessage("1")}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			for r := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					q := items[5].Vector
					for n := 0; ; n++ {
						select {
						case <-stop:
							return
						default:
						}
						st, unlock := lockStore(storeIndex(idx))
						live, coded, codes, slots := st.live, st.coded(), len(st.codes), st.n()
						unlock()
						if coded && (live < MinQuantFit || codes != slots*d) {
							t.Errorf("fitted store with %d live items, %d code bytes for %d slots", live, codes, slots)
							return
						}
						for _, p := range []Params{{}, {Filter: filter}} {
							res, err := idx.Search(q, k, p)
							if err != nil || len(res) == 0 || len(res) > k {
								t.Errorf("search %+v: %d results, %v", p, len(res), err)
								return
							}
						}
						if _, err := idx.SearchBatch(append(slices.Clip(q), q...), k, Params{}); err != nil {
							t.Error(err)
						}
						if _, err := idx.SearchByID("c0", k, Params{}); err != nil {
							t.Error(err)
						}
						if _, ok := idx.Get("c0"); !ok {
							t.Error("c0 missing")
						}
						if n%8 == r {
							var buf bytes.Buffer
							if err := WriteSnapshot(&buf, storeIndex(idx)); err != nil {
								t.Error(err)
							} else if _, err := ReadSnapshot(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err != nil {
								t.Error(err)
							}
						}
					}
				}()
			}
			for i := 2; i < len(items); i++ {
				must(t, idx.Upsert(items[i]))
				if i > MinQuantFit+8 {
					if i%7 == 0 {
						_, err := idx.Delete(items[i-3].ID)
						must(t, err)
					}
					if i%11 == 0 {
						must(t, idx.Upsert(Item{ID: items[i-1].ID, Vector: items[i].Vector}))
					}
				}
			}
			close(stop)
			wg.Wait()
			if !storeOf(idx).coded() {
				t.Fatal("not fitted")
			}
		})
	}
}

// storeIndex is the *Flat or *HNSW of idx, a DB's own.
func storeIndex(idx Index) Index {
	if db, ok := idx.(*DB); ok {
		return db.idx
	}
	return idx
}

// openConcurrent returns a bare index of kind, or with durable a DB in a
// temporary directory with the given sync policy, closed when the test ends.
func openConcurrent(t *testing.T, kind Kind, cfg Config, durable bool, sync SyncMode) Index {
	t.Helper()
	if !durable {
		idx, err := New(kind, cfg)
		must(t, err)
		return idx
	}
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{Kind: kind, Config: cfg, Sync: sync})
	must(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}
