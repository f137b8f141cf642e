package index

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
)

// churned builds an HNSW of 1,200 items with metadata under cfg, then
// deletes 40% of them and upserts a sixth (new vectors under old IDs); it
// returns the index and the live items by ID.
func churned(t *testing.T, cfg Config) (*HNSW, map[string]Item) {
	t.Helper()
	const n = 1200
	base, _ := clustered(2*n, cfg.Dim, 0, 12, 11)
	items := itemsOf(base[:n*cfg.Dim], cfg.Dim)
	for i := range items {
		items[i].Meta = json.RawMessage(`{"g":` + strconv.Itoa(i%3) + `}`)
	}
	h, err := NewHNSW(cfg)
	must(t, err)
	must(t, h.Add(items...))
	live := map[string]Item{}
	for _, it := range items {
		live[it.ID] = it
	}
	var gone []string
	for i := 0; i < n; i += 5 {
		gone = append(gone, items[i].ID, items[i+1].ID)
		delete(live, items[i].ID)
		delete(live, items[i+1].ID)
	}
	if k, _ := h.Delete(gone...); k != len(gone) {
		t.Fatalf("deleted %d of %d", k, len(gone))
	}
	var again []Item
	for i := 2; i < n; i += 6 {
		it := Item{ID: items[i].ID, Vector: base[(n+i)*cfg.Dim : (n+i+1)*cfg.Dim], Meta: items[i].Meta}
		again = append(again, it)
		live[it.ID] = it
	}
	must(t, h.Upsert(again...))
	return h, live
}

// TestHNSWVacuum checks that Vacuum drops exactly the tombstones and keeps
// every live item (vector and metadata), that the rebuilt graph reaches
// every node, and that searches (plain, by ID, filtered) then match the
// brute-force oracle over the live items as well as a fresh index built
// from them does.
func TestHNSWVacuum(t *testing.T) {
	for _, q := range []Quantization{NoQuant, Int8PerDim} {
		t.Run(q.String(), func(t *testing.T) {
			cfg := Config{Dim: 16, Metric: Cosine, Quantization: q, M: 8, EfConstruction: 64, Ef: 64, BuildWorkers: 1, Seed: 3}
			if q != NoQuant {
				cfg.Rerank = 4
			}
			h, live := churned(t, cfg)
			nodes := h.Nodes()
			before := map[string]string{}
			for id := range live {
				it, _ := h.Get(id)
				b, _ := json.Marshal(it)
				before[id] = string(b)
			}
			if got := h.Vacuum(); got != nodes-len(live) {
				t.Fatalf("Vacuum dropped %d nodes, want %d tombstones", got, nodes-len(live))
			}
			if h.Nodes() != len(live) || h.Len() != len(live) {
				t.Fatalf("after Vacuum %d nodes, %d live; want %d each", h.Nodes(), h.Len(), len(live))
			}
			for id := range live {
				it, ok := h.Get(id)
				b, _ := json.Marshal(it)
				if !ok || string(b) != before[id] {
					t.Fatalf("item %s changed by Vacuum: %s, was %s", id, b, before[id])
				}
			}
			checkLinks(t, h)
			if lost := unreachableLive(h); len(lost) > 0 {
				t.Fatalf("%d nodes unreachable after Vacuum", len(lost))
			}
			if h.Vacuum() != 0 {
				t.Fatal("a second Vacuum dropped nodes")
			}
			queries, _ := clustered(40, cfg.Dim, 0, 12, 12)
			recall := func(idx Index) (plain, filtered float64) {
				g1 := func(it Item) bool { return bytes.Equal(it.Meta, []byte(`{"g":1}`)) }
				for j := range 40 {
					qv := queries[j*cfg.Dim : (j+1)*cfg.Dim]
					got, err := idx.Search(qv, 10, Params{})
					must(t, err)
					plain += recallOf(got, oracle(cfg.Metric, live, qv, nil), 10) / 40
					got, err = idx.Search(qv, 10, Params{Filter: &Filter{Field: "g", Equals: json.RawMessage(`1`)}})
					must(t, err)
					for _, r := range got {
						if !g1(live[r.ID]) {
							t.Fatalf("filtered search returned %s (%s)", r.ID, live[r.ID].Meta)
						}
					}
					filtered += recallOf(got, oracle(cfg.Metric, live, qv, g1), 10) / 40
				}
				return plain, filtered
			}
			fresh, err := NewHNSW(cfg)
			must(t, err)
			var all []Item
			for _, it := range live {
				all = append(all, it)
			}
			must(t, fresh.Add(all...))
			p, f := recall(h)
			fp, ff := recall(fresh)
			t.Logf("recall@10 after Vacuum %.3f (filtered %.3f); fresh index of the live items %.3f (%.3f)", p, f, fp, ff)
			if p < 0.95 || f < 0.95 {
				t.Errorf("recall@10 after Vacuum %.3f, filtered %.3f; want >= 0.95", p, f)
			}
			for id := range live {
				r, err := h.SearchByID(id, 1, Params{})
				must(t, err)
				if len(r) != 1 || r[0].ID == id {
					t.Fatalf("search by ID %s: %v", id, r)
				}
				break
			}
			extra := Item{ID: "after", Vector: queries[:cfg.Dim]}
			must(t, h.Add(extra))
			if r, _ := h.Search(extra.Vector, 1, Params{}); len(r) != 1 || r[0].ID != "after" {
				t.Fatalf("an item added after Vacuum is not its own nearest: %v", r)
			}
		})
	}
}

// TestHNSWVacuumWhileSearching runs searches and snapshots while Vacuum
// rebuilds (run it under -race): every answer names live items only, and
// every snapshot loads with the graph and generator of one state, before or
// after (its next node's level is that of the old index or of the vacuumed
// one).
func TestHNSWVacuumWhileSearching(t *testing.T) {
	cfg := Config{Dim: 16, Metric: L2, M: 8, EfConstruction: 48, BuildWorkers: 2, Seed: 5}
	h, live := churned(t, cfg)
	var stop atomic.Bool
	var wg, started sync.WaitGroup
	errs := make(chan string, 4)
	var snaps [][]byte
	wg.Add(1)
	started.Add(3)
	go func() {
		defer wg.Done()
		for j := 0; j == 0 || !stop.Load(); j++ {
			var buf bytes.Buffer
			if err := WriteSnapshot(&buf, h); err != nil {
				errs <- err.Error()
				return
			}
			snaps = append(snaps, buf.Bytes())
			if j == 0 {
				started.Done()
			}
		}
	}()
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j == 0 || !stop.Load(); j++ {
				if j == 1 {
					started.Done()
				}
				q := make([]float32, cfg.Dim)
				q[(w+j)%cfg.Dim] = 1
				r, err := h.Search(q, 5, Params{})
				if err != nil {
					errs <- err.Error()
					return
				}
				for _, x := range r {
					if _, ok := live[x.ID]; !ok {
						errs <- "search returned the deleted " + x.ID
						return
					}
				}
			}
		}()
	}
	started.Wait()
	before, err := h.pcg.MarshalBinary() // no writer runs: a read beside the snapshots' reads
	must(t, err)
	h.Vacuum()
	after, err := h.pcg.MarshalBinary()
	must(t, err)
	stop.Store(true)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
	if h.Nodes() != len(live) {
		t.Fatalf("%d nodes after Vacuum, want %d", h.Nodes(), len(live))
	}
	for i, b := range snaps {
		idx, err := ReadSnapshot(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("snapshot %d: %v", i, err)
		}
		g := idx.(*HNSW)
		state, err := g.pcg.MarshalBinary()
		must(t, err)
		old := g.Nodes() > len(live)
		if want := map[bool][]byte{true: before, false: after}[old]; !bytes.Equal(state, want) {
			t.Fatalf("snapshot %d of %d: %d nodes (old graph: %v) with the generator of the other state", i, len(snaps), g.Nodes(), old)
		}
	}
}

// TestDBCompactVacuums checks that Compact rebuilds an HNSW once a quarter
// of its nodes are tombstones, not before, and that the compacted snapshot
// reopens with the same items.
func TestDBCompactVacuums(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "db")
	items := smallItems("a", 100, 8, 4)
	db := openDB(t, dir, KindHNSW, NoQuant, SyncNever)
	must(t, db.Add(items...))
	nodes := func() int { return db.idx.(*HNSW).Nodes() }
	var gone []string
	for i := range 33 { // 33 of 133 nodes: under a quarter
		gone = append(gone, items[i].ID)
	}
	must(t, db.Upsert(items[33:66]...))
	must(t, db.Compact())
	if nodes() != 133 {
		t.Fatalf("%d nodes after compacting with 33 tombstones of 133, want them kept", nodes())
	}
	if _, err := db.Delete(gone...); err != nil {
		t.Fatal(err)
	}
	must(t, db.Compact())
	if nodes() != 67 || db.Len() != 67 {
		t.Fatalf("after compacting with 66 tombstones of 133: %d nodes, %d live; want 67", nodes(), db.Len())
	}
	ids := allIDs(items)
	want := state(t, db, ids)
	must(t, db.Close())
	db2 := openDB(t, dir, 0, 0, SyncNever)
	defer db2.Close()
	if got := state(t, db2, ids); got != want {
		t.Fatalf("reopened state differs:\n%s\nwant\n%s", got, want)
	}
}
