package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
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
	closeAndReopen(t, db, dir, allIDs(items))
}

// closeAndReopen closes db, opens its directory dir again and checks that
// the items of ids read back as db held them.
func closeAndReopen(t *testing.T, db *DB, dir string, ids []string) {
	t.Helper()
	want := state(t, db, ids)
	must(t, db.Close())
	db2 := openDB(t, dir, 0, 0, SyncNever)
	defer db2.Close()
	if got := state(t, db2, ids); got != want {
		t.Fatalf("reopened state differs:\n%s\nwant\n%s", got, want)
	}
}

// duringVacuum sets the hook that runs after Vacuum has built its graph
// (and before it takes the writers' lock again) to run write in another
// goroutine: it fails the test if write fails or has not returned within ten
// seconds, while Vacuum waits, that is if writers wait for a Vacuum.
func duringVacuum(t *testing.T, write func() error) {
	t.Helper()
	ran := false
	testHookVacuumBuilt = func() {
		ran = true
		done := make(chan error, 1)
		go func() { done <- write() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("write during Vacuum: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("a write waited for Vacuum's graph build")
		}
	}
	t.Cleanup(func() {
		testHookVacuumBuilt = nil
		if !ran {
			t.Error("Vacuum did not build a graph")
		}
	})
}

// TestHNSWVacuumWhileWriting writes (adds one at a time, more than
// catchUpWrites, upserts of live IDs, deletes) while Vacuum builds: the
// writes do not wait, and the vacuumed index holds
// exactly what they left (every vector and metadata), reaches every node and
// searches as well as an index built anew. In the quantised case the index
// holds fewer than MinQuantFit live items when Vacuum starts and a write made
// meanwhile fits the quantizer; the vacuumed index has that same quantizer.
func TestHNSWVacuumWhileWriting(t *testing.T) {
	for _, q := range []Quantization{NoQuant, Int8PerDim} {
		t.Run(q.String(), func(t *testing.T) {
			cfg := Config{Dim: 16, Metric: Cosine, Quantization: q, M: 8, EfConstruction: 64, Ef: 64, BuildWorkers: 1, Seed: 3}
			n := 400
			if q != NoQuant {
				n = MinQuantFit + 100 // enough for the writes during Vacuum to fit
			}
			base, _ := clustered(n, cfg.Dim, 0, 8, 21)
			items := itemsOf(base, cfg.Dim)
			for i := range items {
				items[i].Meta = json.RawMessage(`{"i":` + strconv.Itoa(i) + `}`)
			}
			first := 300 // NoQuant: 300 items, 100 deleted
			if q != NoQuant {
				first = 50 // 50 items, 20 deleted: 30 live, unfitted
			}
			var gone []string
			for i := 0; i < first; i += 5 {
				gone = append(gone, items[i].ID, items[i+1].ID)
			}
			setup := func(idx *HNSW) {
				must(t, idx.Add(items[:first]...))
				if _, err := idx.Delete(gone...); err != nil {
					t.Fatal(err)
				}
			}
			// writes adds the other items one at a time (more writes than
			// Vacuum replays under the lock), upserts a fifth of the first
			// ones anew and deletes two.
			writes := func(idx *HNSW) error {
				add := make([]Item, len(items)-first)
				for i, it := range items[first:] {
					add[i] = Item{ID: it.ID, Vector: slices.Clone(it.Vector), Meta: slices.Clone(it.Meta)}
				}
				for i := range add {
					if err := idx.Add(add[i]); err != nil {
						return err
					}
				}
				for _, it := range add { // the caller reuses its items: Vacuum must have copied them
					clear(it.Vector)
					clear(it.Meta)
				}
				var again []Item
				for i := 2; i < first; i += 5 {
					again = append(again, Item{ID: items[i].ID, Vector: base[(i+1)*cfg.Dim : (i+2)*cfg.Dim], Meta: json.RawMessage(`{"again":true}`)})
				}
				if err := idx.Upsert(again...); err != nil {
					return err
				}
				if n, err := idx.Delete(items[3].ID, items[first+1].ID); err != nil || n != 2 {
					return fmt.Errorf("delete: %d of 2, %v", n, err)
				}
				return nil
			}
			// The oracle: the same writes to an index that is not vacuumed
			// (the quantizer fits at the same write).
			twin, err := NewHNSW(cfg)
			must(t, err)
			setup(twin)
			must(t, writes(twin))

			h, err := NewHNSW(cfg)
			must(t, err)
			setup(h)
			var fitted *quantizer
			duringVacuum(t, func() error {
				err := writes(h)
				h.mu.RLock()
				fitted = h.st.quant
				h.mu.RUnlock()
				return err
			})
			if got := h.Vacuum(); got != len(gone) {
				t.Fatalf("Vacuum dropped %d nodes, want the %d tombstones it began with", got, len(gone))
			}
			if q != NoQuant && (fitted == nil || h.st.quant != fitted) {
				t.Fatalf("quantizer after Vacuum %p, want the one a write fitted during it (%p)", h.st.quant, fitted)
			}
			ids := make([]string, 0, len(items))
			live := map[string]Item{}
			for _, it := range items {
				ids = append(ids, it.ID)
				if got, ok := twin.Get(it.ID); ok {
					live[it.ID] = got
				}
			}
			if got, want := state(t, h, ids), state(t, twin, ids); got != want {
				t.Fatalf("after Vacuum:\n%s\nwant (the same writes, no Vacuum)\n%s", got, want)
			}
			if len(live) != first-len(gone)+len(items)-first-2 {
				t.Fatalf("%d live items, want %d", len(live), first-len(gone)+len(items)-first-2)
			}
			checkLinks(t, h)
			if lost := unreachableLive(h); len(lost) > 0 {
				t.Fatalf("%d nodes unreachable after Vacuum", len(lost))
			}
			queries, _ := clustered(40, cfg.Dim, 0, 8, 22)
			var recall float64
			for j := range 40 {
				qv := queries[j*cfg.Dim : (j+1)*cfg.Dim]
				got, err := h.Search(qv, 10, Params{})
				must(t, err)
				recall += recallOf(got, oracle(cfg.Metric, live, qv, nil), 10) / 40
			}
			if recall < 0.9 {
				t.Errorf("recall@10 after Vacuum with writes %.3f, want >= 0.9", recall)
			}
		})
	}
}

// TestDBCompactWhileWriting writes to a DB while its Compact vacuums: the
// write does not wait for the graph build, and the DB reopens with it; with
// automatic compaction too, where the compaction runs inside the write that
// took the log past CompactBytes and later writes must not wait for it.
func TestDBCompactWhileWriting(t *testing.T) {
	for _, c := range []struct {
		name    string
		sync    SyncMode
		compact int64 // CompactBytes
		auto    bool  // a write starts the compaction, not Compact
	}{
		{"manual", SyncAlways, 0, false},
		{"manual/compact-bytes/group", SyncGroup, 1 << 30, false},
		{"manual/compact-bytes/always", SyncAlways, 1 << 30, false},
		{"auto/group", SyncGroup, 1, true},
		{"auto/always", SyncAlways, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "db")
			items := smallItems("a", 100, 8, 4)
			db, err := Open(dir, Options{Kind: KindHNSW, Config: Config{Dim: 8, Metric: Cosine, M: 8, EfConstruction: 32}, Sync: c.sync})
			must(t, err)
			must(t, db.Add(items...))
			var gone []string
			for i := range 40 {
				gone = append(gone, items[i].ID)
			}
			if _, err := db.Delete(gone...); err != nil {
				t.Fatal(err)
			}
			late := smallItems("late", 10, 8, 5)
			duringVacuum(t, func() error {
				if err := db.Upsert(late...); err != nil {
					return err
				}
				if n, err := db.Delete(items[50].ID); err != nil || n != 1 {
					return fmt.Errorf("delete: %d of 1, %v", n, err)
				}
				return nil
			})
			db.mu.Lock()
			db.opt.CompactBytes = c.compact
			db.mu.Unlock()
			trigger := smallItems("trigger", 1, 8, 6)
			if c.auto {
				must(t, db.Upsert(trigger...)) // the log is past 1 byte: this write compacts
			} else {
				must(t, db.Compact())
				must(t, db.Upsert(trigger...))
			}
			if db.Len() != 70 {
				t.Fatalf("%d live items, want 70", db.Len())
			}
			closeAndReopen(t, db, dir, allIDs(items, late, trigger))
		})
	}
}

// TestHNSWVacuumConcurrentWrites adds items from another goroutine for as
// long as Vacuum runs (run it under -race): every item added is in the
// vacuumed index, which holds no tombstone.
func TestHNSWVacuumConcurrentWrites(t *testing.T) {
	cfg := Config{Dim: 16, Metric: L2, M: 8, EfConstruction: 48, BuildWorkers: 2, Seed: 7}
	h, live := churned(t, cfg)
	var stop atomic.Bool
	var count atomic.Int64
	done := make(chan error, 1)
	var added []Item
	// Vacuum waits, after its build, for three more writes: they land
	// between the copy and the swap.
	testHookVacuumBuilt = func() {
		for n, deadline := count.Load(), time.Now().Add(10*time.Second); count.Load() < n+3; {
			if time.Now().After(deadline) {
				t.Error("no write went on during Vacuum")
				return
			}
			time.Sleep(time.Millisecond)
		}
	}
	defer func() { testHookVacuumBuilt = nil }()
	go func() {
		for i := 0; i < 3 || !stop.Load(); i++ {
			it := Item{ID: "w" + strconv.Itoa(i), Vector: make([]float32, cfg.Dim)}
			it.Vector[i%cfg.Dim] = float32(1 + i)
			if err := h.Add(it); err != nil {
				done <- err
				return
			}
			added = append(added, it)
			count.Add(1)
		}
		done <- nil
	}()
	h.Vacuum()
	stop.Store(true)
	must(t, <-done)
	if want := len(live) + len(added); h.Len() != want || h.Nodes() != want {
		t.Fatalf("%d live, %d nodes after Vacuum; want %d each", h.Len(), h.Nodes(), want)
	}
	for _, it := range added {
		if got, ok := h.Get(it.ID); !ok || !slices.Equal(got.Vector, it.Vector) {
			t.Fatalf("item %s added during Vacuum: %v, %v", it.ID, got.Vector, ok)
		}
	}
	t.Logf("%d items added during Vacuum", len(added))
}
