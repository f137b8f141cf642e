package index

import (
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// TestHugeVectorsRefused: finite vectors whose squared norm overflows
// float32, or would make a Dot or L2 score overflow, are refused by every
// write and query path of every index kind and metric, with an error that
// names the problem. Before, a cosine index stored them as zeros, a dot
// index answered +Inf scores and an L2 index lost stored items from results.
// Vectors at the bound are accepted, and every score between them is finite.
func TestHugeVectorsRefused(t *testing.T) {
	const d = 8
	huge := make([]float32, d) // ||v||² overflows float32
	copy(huge, []float32{3e38, 3e38, 3e38, 3e38})
	over := make([]float32, d) // finite ||v||², but ||v - (-v)||² = 4||v||² overflows
	over[0] = float32(math.Sqrt(math.MaxFloat32 / 2))
	edge, neg := make([]float32, d), make([]float32, d) // within the bound: opposite, as far apart as allowed
	edge[0] = float32(math.Sqrt(0.99 * MaxSquaredNorm))
	neg[0] = -edge[0]
	for _, m := range []Metric{Cosine, Dot, L2} {
		for _, kind := range []Kind{KindFlat, KindHNSW} {
			t.Run(m.String()+"/"+kind.String(), func(t *testing.T) {
				db, err := Open(filepath.Join(t.TempDir(), "db"), Options{Kind: kind, Config: Config{Dim: d, Metric: m}, Sync: SyncNever})
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				bare, _ := New(kind, Config{Dim: d, Metric: m})
				for _, idx := range []Index{bare, db} {
					if err := idx.Upsert(Item{ID: "edge", Vector: edge}, Item{ID: "neg", Vector: neg}); err != nil {
						t.Fatalf("%T refused vectors within the bound: %v", idx, err)
					}
					for _, v := range [][]float32{huge, over} {
						if err := idx.Upsert(Item{ID: "big", Vector: v}); err == nil || !strings.Contains(err.Error(), "squared norm") {
							t.Fatalf("%T upsert of %v: %v", idx, v[:2], err)
						}
						if _, err := idx.Search(v, 2, Params{}); err == nil || !strings.Contains(err.Error(), "squared norm") {
							t.Fatalf("%T search with %v: %v", idx, v[:2], err)
						}
						if _, err := idx.SearchBatch(append(append([]float32{}, edge...), v...), 2, Params{}); err == nil || !strings.Contains(err.Error(), "batch row 1") {
							t.Fatalf("%T batch search with %v: %v", idx, v[:2], err)
						}
					}
					if _, ok := idx.Get("big"); ok {
						t.Fatalf("%T stored a refused vector", idx)
					}
					res, err := idx.Search(edge, 2, Params{})
					if err != nil || len(res) != 2 {
						t.Fatalf("%T search at the bound: %v, %v", idx, res, err)
					}
					for _, r := range res {
						if math.IsInf(float64(r.Score), 0) || math.IsNaN(float64(r.Score)) {
							t.Fatalf("%T score %v for %s", idx, r.Score, r.ID)
						}
					}
				}
			})
		}
	}
}

// TestCheckVector names the component or the norm at fault.
func TestCheckVector(t *testing.T) {
	cases := []struct {
		v    []float32
		want string
	}{
		{[]float32{1, 2, 3}, ""},
		{[]float32{1, float32(math.NaN()), 3}, "vector[1] is NaN"},
		{[]float32{float32(math.Inf(-1))}, "vector[0] is -Inf"},
		{[]float32{3e38, 3e38}, "squared norm 1.8e+77 exceeds"},
	}
	for _, c := range cases {
		err := CheckVector(c.v)
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckVector(%v) = %v, want %q", c.v, err, c.want)
		}
	}
}

// TestLoggedHugeVectorReplays: a log record holding a vector past
// MaxSquaredNorm, as a build before the bound could write, still replays
// (the write was acknowledged), so the DB opens; new writes of it are refused.
func TestLoggedHugeVectorReplays(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	db, err := Open(dir, Options{Kind: KindFlat, Config: Config{Dim: 2, Metric: Dot}, Sync: SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{{ID: "old", Vector: []float32{3e38, 0}}}
	db.mu.Lock() // commit releases it
	if err := db.commit(upsertRecords(nil, items, nil), func() error { return upsertLogged(db.idx, items, nil) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if db, err = Open(dir, Options{}); err != nil {
		t.Fatalf("reopening a log with a vector past the bound: %v", err)
	}
	defer db.Close()
	if _, ok := db.Get("old"); !ok || db.Len() != 1 {
		t.Fatalf("replayed %d items", db.Len())
	}
	if err := db.Upsert(Item{ID: "new", Vector: []float32{3e38, 0}}); err == nil {
		t.Fatal("a new write past the bound was accepted")
	}
}
