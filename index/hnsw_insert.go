package index

import (
	"slices"
	"sync"
	"sync/atomic"
)

// insertBatch appends items as new nodes and links them into the graph (see
// linkNodes), after fitting or installing the quantizer as auto and q say
// (see store.fit). Nodes linked before the fit keep the links chosen on
// float32 distances; searches then walk them on codes. The caller holds h.wmu
// and h.mu, or owns h alone (Vacuum's new graph).
func (h *HNSW) insertBatch(items []Item, auto bool, q *quantizer) {
	st := h.st
	st.fit(items, auto, q)
	if st.live == 0 {
		// Every node is a tombstone (or there are none): start a fresh graph
		// rather than hang new nodes off dead ones.
		h.entry, h.maxLevel = -1, 0
	}
	first := st.n()
	var buf []float32
	for i := range items {
		st.append(&items[i], &buf)
		h.addNode(h.randomLevel())
	}
	h.linkNodes(first, st.n())
}

// linkNodes links the stored nodes first to n-1 into the graph, several at a
// time when they are many, and reconnects unreachable nodes when the count
// passes a check mark (see repair).
func (h *HNSW) linkNodes(first, n int) {
	s := h.getSearcher()
	// The first nodes of an empty graph go in one by one, so that parallel
	// workers start from a connected core.
	serial := first
	if first < 64 {
		serial = min(n, 64)
	}
	workers := h.cfg.workers()
	if workers <= 1 || n-serial < 4*workers {
		serial = n
	}
	// Serial insertion repairs at the marks themselves, so that a graph
	// built by many small writes and one replayed from the log in larger
	// batches come out the same.
	for slot := first; slot < serial; slot++ {
		h.insert(s, uint32(slot), false)
		if repairDue(slot, slot+1) {
			h.repair(s, slot+1)
		}
	}
	if serial < n {
		h.insertParallel(serial, n, workers)
		if repairDue(serial, n) {
			h.repair(s, n)
		}
	}
	h.putSearcher(s)
}

// insertParallel links nodes from through n-1 with several goroutines.
func (h *HNSW) insertParallel(from, n, workers int) {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := h.getSearcher()
			defer h.putSearcher(s)
			for {
				slot := next.Add(1) - 1
				if slot >= int64(n) {
					return
				}
				h.insert(s, uint32(slot), true)
			}
		}()
	}
	wg.Wait()
}

// addNode allocates the link lists of a new node at the given level.
func (h *HNSW) addNode(level int) {
	h.levels = append(h.levels, uint8(level))
	h.links0 = slices.Grow(h.links0, h.maxM0+1)[:len(h.links0)+h.maxM0+1]
	clear(h.links0[len(h.links0)-h.maxM0-1:])
	var up []uint32
	if level > 0 {
		up = make([]uint32, level*(h.maxM+1))
	}
	h.upper = append(h.upper, up)
}

// nodeQuery prepares a stored node as a query, for construction distances
// (exact when float32 vectors are kept, else on codes).
func (h *HNSW) nodeQuery(s *searcher, slot uint32, q *query) {
	h.st.prepareSlot(q, slot, true)
}

// insert links node slot into the graph (Algorithm 1, INSERT). locked is set
// when other goroutines insert at the same time.
func (h *HNSW) insert(s *searcher, slot uint32, locked bool) {
	st := h.st
	level := int(h.levels[slot])
	h.glock.Lock()
	ep, maxL := h.entry, h.maxLevel
	holdG := level > maxL || ep < 0
	if !holdG {
		h.glock.Unlock()
	}
	if ep < 0 {
		h.entry, h.maxLevel = int64(slot), level
		h.glock.Unlock()
		return
	}
	q := &s.q
	h.nodeQuery(s, slot, q)
	// New nodes never link to tombstones.
	sel := &selector{exclude: -1}
	if st.live < st.n() {
		sel.dead = st.dead
	}
	cur := uint32(ep)
	curD := st.dist(q, cur)
	for l := maxL; l > level; l-- {
		cur, curD = h.greedy(s, q, cur, curD, l, locked)
	}
	for l := min(level, maxL); l >= 0; l-- {
		h.searchLayer(s, q, cur, curD, h.cfg.EfConstruction, l, sel, locked)
		if len(s.top) == 0 {
			continue // everything reachable is deleted; keep descending
		}
		s.work = append(s.work[:0], s.top...)
		slices.SortFunc(s.work, candCmp)
		cur, curD = s.work[0].slot, s.work[0].d
		chosen := h.heuristic(s, s.work, h.maxM)
		nbrs := make([]uint32, len(chosen))
		for i, c := range chosen {
			nbrs[i] = c.slot
		}
		h.setLinks(slot, l, nbrs, locked)
		for _, nb := range nbrs {
			h.link(s, nb, slot, l, locked)
		}
	}
	if holdG {
		if level > h.maxLevel {
			h.entry, h.maxLevel = int64(slot), level
		}
		h.glock.Unlock()
	}
}

// heuristic is Algorithm 4 (SELECT-NEIGHBORS-HEURISTIC) without extending or
// keeping pruned candidates, as hnswlib does: walking cands (closest to the
// base first), a candidate is kept when it is closer to the base than to every
// candidate kept so far. It returns at most m candidates in s.chosen.
func (h *HNSW) heuristic(s *searcher, cands []cand, m int) []cand {
	s.chosen = s.chosen[:0]
	if len(cands) <= m {
		return append(s.chosen, cands...)
	}
	for _, c := range cands {
		h.nodeQuery(s, c.slot, &s.nq)
		good := true
		for _, r := range s.chosen {
			if h.st.dist(&s.nq, r.slot) < c.d {
				good = false
				break
			}
		}
		if good {
			s.chosen = append(s.chosen, c)
			if len(s.chosen) >= m {
				break
			}
		}
	}
	return s.chosen
}

// setLinks replaces the links of slot on level.
func (h *HNSW) setLinks(slot uint32, level int, nbrs []uint32, locked bool) {
	if locked {
		mu := &h.locks[slot%lockStripes]
		mu.Lock()
		defer mu.Unlock()
	}
	l := h.links(slot, level)
	l[0] = uint32(len(nbrs))
	copy(l[1:], nbrs)
}

// link adds a link nb -> slot on level, pruning nb's list with the heuristic
// when it is full.
func (h *HNSW) link(s *searcher, nb, slot uint32, level int, locked bool) {
	if locked {
		mu := &h.locks[nb%lockStripes]
		mu.Lock()
		defer mu.Unlock()
	}
	l := h.links(nb, level)
	cnt := int(l[0])
	if slices.Contains(l[1:1+cnt], slot) {
		return
	}
	if capacity := h.capacity(level); cnt < capacity {
		l[1+cnt] = slot
		l[0]++
		return
	}
	// Full: choose among the old neighbours and the new node, by distance to nb.
	q := &s.lq
	h.nodeQuery(s, nb, q)
	cands := make([]cand, 0, cnt+1)
	cands = append(cands, cand{h.st.dist(q, slot), slot})
	for _, v := range l[1 : 1+cnt] {
		cands = append(cands, cand{h.st.dist(q, v), v})
	}
	slices.SortFunc(cands, candCmp)
	chosen := h.heuristic(s, cands, h.capacity(level))
	l[0] = uint32(len(chosen))
	for i, c := range chosen {
		l[1+i] = c.slot
	}
}
