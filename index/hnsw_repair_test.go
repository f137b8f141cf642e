package index

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"
)

// unreachableLive lists the live slots that no path of layer-0 links leads
// to from the entry point: a plain breadth-first search over the graph, the
// oracle for repair.
func unreachableLive(h *HNSW) []int {
	n := h.st.n()
	if h.entry < 0 {
		return nil
	}
	seen := make([]bool, n)
	seen[h.entry] = true
	queue := []int{int(h.entry)}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		l := h.links(uint32(v), 0)
		for _, u := range l[1 : 1+l[0]] {
			if !seen[u] {
				seen[u] = true
				queue = append(queue, int(u))
			}
		}
	}
	var out []int
	for v, ok := range seen {
		if !ok && !h.st.dead[v] {
			out = append(out, v)
		}
	}
	return out
}

// checkLinks fails t when a layer-0 list exceeds its capacity, links a node
// to itself or holds a link twice.
func checkLinks(t *testing.T, h *HNSW) {
	t.Helper()
	for v := range h.st.n() {
		l := h.links(uint32(v), 0)
		if int(l[0]) > h.maxM0 {
			t.Fatalf("slot %d: %d links, capacity %d", v, l[0], h.maxM0)
		}
		nb := slices.Clone(l[1 : 1+l[0]])
		if slices.Contains(nb, uint32(v)) {
			t.Fatalf("slot %d links to itself", v)
		}
		slices.Sort(nb)
		if len(slices.Compact(nb)) != int(l[0]) {
			t.Fatalf("slot %d holds a link twice: %v", v, l[1:1+l[0]])
		}
	}
}

// nextMark is the first node count from c on at which insertion checks the
// graph (see repairDue).
func nextMark(c int) int {
	for !repairDue(c-1, c) {
		c++
	}
	return c
}

// TestHNSWBuildReachesEveryNode builds graphs that lose nodes without the
// repair (M = 4 prunes hard: 15 of 6,000 nodes unreachable over three serial
// builds of 2,000 before it), serially and in parallel, in two batches and
// after deletions and upserts, and checks that every live node can be
// reached from the entry point. Serial insertion repairs at the check marks
// themselves, so the batches end at marks; parallel insertion repairs at the
// end of a batch that passes one.
func TestHNSWBuildReachesEveryNode(t *testing.T) {
	const d = 16
	n1 := nextMark(1000)
	n := nextMark(2000)
	base, _ := clustered(n, d, 1, 15, 5)
	items := itemsOf(base, d)
	for _, workers := range []int{1, 2} {
		for seed := uint64(1); seed <= 3; seed++ {
			t.Run(fmt.Sprintf("workers%d/seed%d", workers, seed), func(t *testing.T) {
				h, err := NewHNSW(Config{Dim: d, Metric: Cosine, M: 4, EfConstruction: 40, BuildWorkers: workers, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				check := func(stage string) {
					t.Helper()
					checkLinks(t, h)
					if lost := unreachableLive(h); len(lost) > 0 {
						t.Fatalf("%s: %d live nodes unreachable from the entry point, first %v", stage, len(lost), lost[:min(5, len(lost))])
					}
				}
				if err := h.Add(items[:n1]...); err != nil {
					t.Fatal(err)
				}
				check("first batch")
				if err := h.Add(items[n1:]...); err != nil {
					t.Fatal(err)
				}
				check("second batch")
				var gone []string
				for i := 0; i < n; i += 7 {
					gone = append(gone, items[i].ID)
				}
				if _, err := h.Delete(gone...); err != nil {
					t.Fatal(err)
				}
				var again []Item
				for i := 1; len(again) < nextMark(n+n/4)-n; i += 2 {
					again = append(again, items[i])
				}
				if err := h.Upsert(again...); err != nil {
					t.Fatal(err)
				}
				check("after deletes and upserts")
			})
		}
	}
}

// TestHNSWReplayBuildsTheSameGraph writes items one at a time into a DB with
// one build worker, reopens it (the log replays in one batch) and checks
// that the graph is the same, link for link: repairs fall on node counts,
// not on write boundaries.
func TestHNSWReplayBuildsTheSameGraph(t *testing.T) {
	const n, d = 700, 8
	base, _ := clustered(n, d, 1, 10, 6)
	items := itemsOf(base, d)
	dir := filepath.Join(t.TempDir(), "db")
	opt := Options{Kind: KindHNSW, Config: Config{Dim: d, Metric: L2, M: 4, EfConstruction: 24, BuildWorkers: 1, Seed: 2}, Sync: SyncNever}
	db, err := Open(dir, opt)
	must(t, err)
	for i := range items {
		must(t, db.Add(items[i]))
	}
	live := db.idx.(*HNSW)
	levels, links := slices.Clone(live.levels), slices.Clone(live.links0)
	must(t, db.Close())
	db2, err := Open(dir, opt)
	must(t, err)
	defer db2.Close()
	if r := db2.Recovery(); r.Records != n {
		t.Fatalf("replayed %d records, want %d", r.Records, n)
	}
	back := db2.idx.(*HNSW)
	if !slices.Equal(back.levels, levels) || !slices.Equal(back.links0, links) {
		diff := 0
		for i := range min(len(links), len(back.links0)) {
			if links[i] != back.links0[i] {
				diff++
			}
		}
		t.Fatalf("the replayed graph differs: %d of %d layer-0 link words", diff, len(links))
	}
}

// TestHNSWRepairReconnects cuts every in-link of some layer-0 nodes by hand, checks
// that the oracle sees them lost and that search misses them, and that
// repair brings them back: reachable, found by their own vectors, and the
// lists still within capacity.
func TestHNSWRepairReconnects(t *testing.T) {
	const n, d = 600, 16
	base, _ := clustered(n, d, 1, 6, 7)
	items := itemsOf(base, d)
	h, err := NewHNSW(Config{Dim: d, Metric: L2, M: 6, EfConstruction: 60, Ef: 20, BuildWorkers: 1, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Add(items...); err != nil {
		t.Fatal(err)
	}
	if lost := unreachableLive(h); len(lost) > 0 {
		t.Fatalf("%d nodes unreachable before the cut", len(lost))
	}
	// Nodes on layer 0 only: an upper layer would still lead a search to them.
	var cut []uint32
	for _, from := range []int{10, 11, 300, 590} {
		v := from
		for h.levels[v] > 0 || slices.Contains(cut, uint32(v)) {
			v++
		}
		cut = append(cut, uint32(v))
	}
	for v := range n {
		l := h.links(uint32(v), 0)
		kept := slices.DeleteFunc(slices.Clone(l[1:1+l[0]]), func(u uint32) bool { return slices.Contains(cut, u) })
		clear(l)
		l[0] = uint32(len(kept))
		copy(l[1:], kept)
	}
	lost := unreachableLive(h)
	if len(lost) < len(cut) {
		t.Fatalf("after the cut the oracle finds %d unreachable nodes, want >= %d", len(lost), len(cut))
	}
	found := func(slot uint32) bool {
		r, err := h.Search(items[slot].Vector, 1, Params{})
		if err != nil {
			t.Fatal(err)
		}
		return len(r) == 1 && r[0].ID == items[slot].ID
	}
	for _, v := range cut {
		if found(v) {
			t.Fatalf("slot %d found by its own vector with no link to it", v)
		}
	}
	s := h.getSearcher()
	linked := h.repair(s, n)
	h.putSearcher(s)
	if linked < len(cut) {
		t.Errorf("repair linked %d nodes, want >= %d", linked, len(cut))
	}
	checkLinks(t, h)
	if lost := unreachableLive(h); len(lost) > 0 {
		t.Fatalf("after repair %d nodes unreachable: %v", len(lost), lost)
	}
	for _, v := range cut {
		if !found(v) {
			t.Errorf("slot %d not found by its own vector after repair", v)
		}
	}
}

// TestRepairDue checks the check marks: every count crossing from 15 to 16
// and beyond, marks at least 16 apart and at most 1/16 of the count apart
// beyond 256, so that inserting one node at a time up to 200,000 checks the
// graph about 16 + ln(200000/256)/ln(17/16) = 126 times.
func TestRepairDue(t *testing.T) {
	if repairDue(0, 15) || !repairDue(0, 16) || !repairDue(15, 16) || repairDue(16, 31) || !repairDue(16, 32) {
		t.Fatal("marks below 64 are not 16, 32, 48")
	}
	checks, last := 0, 0
	for c := 1; c <= 200_000; c++ {
		if repairDue(c-1, c) {
			checks++
			if gap := c - last; last > 0 && (gap < 16 || (c > 256 && gap > last/16+16)) {
				t.Fatalf("mark %d is %d after the previous mark %d", c, gap, last)
			}
			last = c
		}
	}
	if checks > 130 {
		t.Errorf("%d checks inserting one node at a time up to 200,000, want <= 130", checks)
	}
	if !repairDue(100, 100_000) {
		t.Error("a large batch passes no mark")
	}
}
