package index

// Repair of the layer-0 graph.
//
// The neighbour heuristic prunes an overfull list by dropping links, and a
// node can lose its last in-link that way: no search then reaches it, however
// large its ef below a full scan. Parallel insertion makes it likelier (two
// goroutines prune around each other), but serial builds lose nodes too: 18
// of 60,000 nodes over three serial builds of 20,000 clustered vectors with
// M = 12, 739 with M = 4. hnswlib and the paper leave it so; this index
// reconnects such nodes after insertion.

// repairDue reports whether an insertion that took the node count from
// before to after passes a check mark. The marks (16, then each 1/16 past
// the last, at least 16 apart) depend on the count alone, so that the O(n)
// check costs O(1) amortised per inserted node; serial insertion checks at
// the marks themselves, so that an index replayed from its log in other
// batches repairs at the same points.
func repairDue(before, after int) bool {
	for mark := 16; mark <= after; mark += max(16, mark/16) {
		if mark > before {
			return true
		}
	}
	return false
}

// repairRounds bounds the passes of repair: a pass that evicts a link to
// make room can leave the evicted node unreachable, which the next pass
// reconnects.
const repairRounds = 4

// repair links every live node below slot n (the nodes linked so far; the
// rest of a batch is not in the graph yet) that layer 0 cannot reach from
// the entry point to the nearest node it can, and returns how many it
// linked. The linking node takes the new link in a free place, or in place
// of its farthest neighbour that some other node also links to. The caller
// holds h.mu and no insertion runs.
func (h *HNSW) repair(s *searcher, n int) int {
	if h.entry < 0 || n < 2 {
		return 0
	}
	reached := make(bitset, (n+63)/64)
	indeg := make([]int32, n) // layer-0 in-links from reached nodes
	var stack []uint32
	linked := 0
	for range repairRounds {
		clear(reached)
		clear(indeg)
		stack = h.reach(uint32(h.entry), reached, indeg, stack)
		missing, fixed := 0, 0
		for v := range n {
			if reached.has(uint32(v)) || h.st.dead[v] {
				continue
			}
			missing++
			if h.attach(s, uint32(v), reached, indeg) {
				fixed++
				stack = h.reach(uint32(v), reached, indeg, stack)
			}
		}
		linked += fixed
		if missing == 0 || fixed == 0 {
			break
		}
	}
	return linked
}

// reach marks every node reachable on layer 0 from start (start included,
// not yet marked) and counts their out-links in indeg.
func (h *HNSW) reach(start uint32, reached bitset, indeg []int32, stack []uint32) []uint32 {
	stack = append(stack[:0], start)
	reached.set(start)
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		l := h.links(v, 0)
		for _, u := range l[1 : 1+l[0]] {
			indeg[u]++
			if !reached.has(u) {
				reached.set(u)
				stack = append(stack, u)
			}
		}
	}
	return stack
}

// attach adds a layer-0 link to v from the closest reached node that has a
// free place, or else from the closest one with a neighbour to spare (one
// with another in-link from a reached node), replacing its farthest such
// neighbour. It reports whether it linked v. An evicted neighbour can still
// lose its way in (its other in-link may hang off it); the next round of
// repair finds it.
func (h *HNSW) attach(s *searcher, v uint32, reached bitset, indeg []int32) bool {
	q := &s.q
	h.nodeQuery(s, v, q)
	cands := h.knn(s, q, h.cfg.EfConstruction, &selector{exclude: int64(v)})
	for _, c := range cands {
		if l := h.links(c.slot, 0); reached.has(c.slot) && int(l[0]) < h.maxM0 {
			l[1+l[0]] = v
			l[0]++
			indeg[v]++
			return true
		}
	}
	for _, c := range cands {
		if !reached.has(c.slot) {
			continue
		}
		l := h.links(c.slot, 0)
		h.nodeQuery(s, c.slot, &s.lq)
		far, farD := -1, float32(0)
		for i, w := range l[1 : 1+l[0]] {
			if indeg[w] < 2 {
				continue
			}
			if d := h.st.dist(&s.lq, w); far < 0 || d > farD {
				far, farD = i, d
			}
		}
		if far >= 0 {
			indeg[l[1+far]]--
			l[1+far] = v
			indeg[v]++
			return true
		}
	}
	return false
}
