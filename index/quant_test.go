package index

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"testing"
)

func TestQuantizerRoundTrip(t *testing.T) {
	data := []float32{
		-1, 0, 5,
		1, 0, 7,
		0.5, 0, 6,
	}
	for _, kind := range []Quantization{Int8PerDim, Int8Global} {
		t.Run(kind.String(), func(t *testing.T) {
			q := fitQuantizer(kind, 3, data)
			codes := make([]uint8, 3)
			out := make([]float32, 3)
			for i := 0; i < 3; i++ {
				x := data[i*3 : i*3+3]
				q.encode(x, codes)
				q.decode(codes, out)
				for j := range x {
					// Rounding to the nearest level: error at most half a step.
					if err := math.Abs(float64(out[j] - x[j])); err > float64(q.scale[j])/2+1e-6 {
						t.Errorf("x[%d]=%v decoded %v (step %v)", j, x[j], out[j], q.scale[j])
					}
				}
			}
			// Fitted extremes map to the end levels; outside values clamp.
			q.encode([]float32{-1, 0, 7}, codes)
			if kind == Int8PerDim && (codes[0] != 0 || codes[1] != 0 || codes[2] != 255) {
				t.Errorf("extremes encoded %v", codes)
			}
			q.encode([]float32{-9, 3, 99}, codes)
			q.decode(codes, out)
			if out[0] != q.lo[0] || out[2] != q.lo[2]+255*q.scale[2] {
				t.Errorf("clamped values decoded %v", out)
			}
		})
	}
}

func TestParseQuantization(t *testing.T) {
	for _, q := range []Quantization{NoQuant, Int8PerDim, Int8Global} {
		got, err := ParseQuantization(q.String())
		if err != nil || got != q {
			t.Errorf("ParseQuantization(%q) = %v, %v", q.String(), got, err)
		}
	}
	if _, err := ParseQuantization("int4"); err == nil {
		t.Error("int4 parsed")
	}
}

// TestQuantizationRecallLoss measures what 8-bit codes cost in recall@10
// against exact float32 search, for both index kinds, with and without
// re-ranking: the loss must stay small, and re-ranking must recover almost
// all of it.
func TestQuantizationRecallLoss(t *testing.T) {
	const n, d, nq, k = 3000, 32, 60, 10
	base, queries := clustered(n, d, nq, 20, 11)
	items := itemsOf(base, d)
	for _, m := range []Metric{Cosine, L2} {
		exact, _ := NewFlat(Config{Dim: d, Metric: m})
		must(t, exact.Add(items...))
		truth, err := exact.SearchBatch(queries, k, Params{})
		must(t, err)
		tests := []struct {
			kind    Kind
			q       Quantization
			rerank  int
			maxLoss float64
		}{
			{KindFlat, Int8PerDim, 0, 0.10},
			{KindFlat, Int8Global, 0, 0.15},
			{KindFlat, Int8PerDim, 3, 0.01},
			{KindHNSW, Int8PerDim, 0, 0.12},
			{KindHNSW, Int8PerDim, 3, 0.03},
		}
		for _, tt := range tests {
			name := fmt.Sprintf("%v/%v/%v/rerank%d", m, tt.kind, tt.q, tt.rerank)
			t.Run(name, func(t *testing.T) {
				idx, err := New(tt.kind, Config{Dim: d, Metric: m, Quantization: tt.q, Rerank: tt.rerank, Ef: 100, EfConstruction: 64})
				must(t, err)
				must(t, idx.Add(items...))
				got, err := idx.SearchBatch(queries, k, Params{})
				must(t, err)
				loss := 1 - Recall(got, truth, k)
				t.Logf("recall@%d loss %.4f", k, loss)
				if loss > tt.maxLoss {
					t.Fatalf("recall@%d loss %.4f exceeds %.2f", k, loss, tt.maxLoss)
				}
			})
		}
	}
}

// TestQuantFitMinimum checks that a first write below MinQuantFit items to a
// quantised Flat, HNSW or DB is refused with ErrQuantFit and stores nothing
// (a DB reopens empty), and that writes of any size work once a first write
// of MinQuantFit items has fitted the quantizer.
func TestQuantFitMinimum(t *testing.T) {
	items := smallItems("q", MinQuantFit, 8, 9)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		t.Run(kind.String(), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			db := openDB(t, dir, kind, Int8PerDim, SyncAlways)
			bare, err := New(kind, Config{Dim: 8, Metric: Cosine, Quantization: Int8Global})
			must(t, err)
			for name, idx := range map[string]Index{"bare": bare, "db": db} {
				for _, write := range []func(...Item) error{idx.Add, idx.Upsert} {
					if err := write(items[:MinQuantFit-1]...); !errors.Is(err, ErrQuantFit) {
						t.Fatalf("%s: first write of %d items: %v, want ErrQuantFit", name, MinQuantFit-1, err)
					}
				}
				if idx.Len() != 0 {
					t.Fatalf("%s: a refused write stored %d items", name, idx.Len())
				}
			}
			must(t, db.Close())
			db = openDB(t, dir, 0, 0, SyncAlways)
			defer db.Close()
			if db.Len() != 0 {
				t.Fatalf("reopened after refused writes: %d items", db.Len())
			}
			for _, idx := range []Index{bare, db} {
				must(t, idx.Add(items...))
				must(t, idx.Upsert(Item{ID: "one", Vector: items[0].Vector}))
				if r, err := idx.Search(items[5].Vector, 1, Params{}); err != nil || len(r) != 1 || r[0].ID != "q5" {
					t.Fatalf("search after the fit: %v, %v", r, err)
				}
			}
		})
	}
}

// TestReplayUnfittedLog checks that a log whose upserts reach a quantised
// index without a quantizer record before them (the fuzzer makes such logs
// by cutting the record out) replays: what was written must load, whatever
// the first-write minimum says.
func TestReplayUnfittedLog(t *testing.T) {
	items := smallItems("l", 4, 3, 1)
	b := upsertRecords(logHeaderBytes(1), items)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		idx, err := New(kind, Config{Dim: 3, Metric: Cosine, Quantization: Int8PerDim})
		must(t, err)
		rp := replayer{idx: idx}
		if _, err := scanLog(bytes.NewReader(b[logHeader:]), int64(len(b)), "test", 3, rp.apply); err != nil {
			t.Fatal(err)
		}
		must(t, rp.flush())
		if idx.Len() != len(items) {
			t.Fatalf("%v: replayed %d items, want %d", kind, idx.Len(), len(items))
		}
	}
}
