package index

import (
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// neighbours returns the neighbours of slot on level. When locked (parallel
// insertion), the list is copied under the node's lock into s.nbuf.
func (h *HNSW) neighbours(s *searcher, slot uint32, level int, locked bool) []uint32 {
	l := h.links(slot, level)
	if !locked {
		return l[1 : 1+l[0]]
	}
	mu := &h.locks[slot%lockStripes]
	mu.Lock()
	s.nbuf = append(s.nbuf[:0], l[1:1+l[0]]...)
	mu.Unlock()
	return s.nbuf
}

// greedy walks from cur to a local minimum of the distance to q on level
// (the search with ef = 1 used on the upper layers).
func (h *HNSW) greedy(s *searcher, q *query, cur uint32, curD float32, level int, locked bool) (uint32, float32) {
	for changed := true; changed; {
		changed = false
		nb := h.neighbours(s, cur, level, locked)
		if len(nb) == 0 {
			break
		}
		if cap(s.dists) < len(nb) {
			s.dists = make([]float32, len(nb)+32)
		}
		dists := s.dists[:len(nb)]
		h.st.distRows(q, nb, dists)
		for i, d := range dists {
			if d < curD {
				cur, curD, changed = nb[i], d, true
			}
		}
	}
	return cur, curD
}

// searchLayer is Algorithm 2 (SEARCH-LAYER) from entry point ep: a best-first
// search keeping the ef closest returnable nodes in s.top (a max-heap). Nodes
// that sel rejects (tombstones, filtered out) are expanded like the others but
// not kept, and the search then only stops once ef nodes are kept.
func (h *HNSW) searchLayer(s *searcher, q *query, ep uint32, epD float32, ef, level int, sel *selector, locked bool) {
	st := h.st
	s.visit(st.n())
	visited, epoch := s.visited, s.epoch
	s.cand = s.cand[:0]
	s.top = s.top[:0]
	lower := float32(math.Inf(1))
	if sel.ok(ep) {
		s.top.push(cand{epD, ep})
		lower = epD
	}
	s.cand.push(cand{epD, ep})
	visited[ep] = epoch
	for len(s.cand) > 0 {
		c := s.cand[0]
		if c.d > lower && len(s.top) >= ef {
			break
		}
		s.cand.pop()
		nb := h.neighbours(s, c.slot, level, locked)
		fresh := s.fresh[:0]
		for _, v := range nb {
			if visited[v] != epoch {
				visited[v] = epoch
				fresh = append(fresh, v)
			}
		}
		s.fresh = fresh
		if len(fresh) == 0 {
			continue
		}
		if cap(s.dists) < len(fresh) {
			s.dists = make([]float32, len(fresh)+32)
		}
		dists := s.dists[:len(fresh)]
		if level == 0 {
			// Their link lists are read when they are expanded: hnswlib keeps
			// links and vector in one block per node for the same reason.
			kernels.PrefetchRows(h.links0, fresh, h.maxM0+1, 4*(h.maxM0+1))
		}
		st.distRows(q, fresh, dists)
		for i, v := range fresh {
			d := dists[i]
			if len(s.top) < ef || d < lower {
				s.cand.push(cand{d, v})
				if sel.ok(v) {
					s.top.push(cand{d, v})
					if len(s.top) > ef {
						s.top.pop()
					}
					lower = s.top.top().d
				}
			}
		}
	}
}

// knn returns the candidates found for q, closest first, in a slice that
// aliases s.
func (h *HNSW) knn(s *searcher, q *query, ef int, sel *selector) []cand {
	if h.entry < 0 {
		return nil
	}
	cur := uint32(h.entry)
	curD := h.st.dist(q, cur)
	for l := h.maxLevel; l > 0; l-- {
		cur, curD = h.greedy(s, q, cur, curD, l, false)
	}
	h.searchLayer(s, q, cur, curD, ef, 0, sel, false)
	s.work = append(s.work[:0], s.top...)
	slices.SortFunc(s.work, candCmp)
	return s.work
}

// bruteForceMax is the number of matching items up to which a filtered search
// scans them exactly instead of traversing the graph: scanning a few thousand
// vectors costs about as much as one graph search.
const bruteForceMax = 4096

// search answers one query vector (not yet normalised).
func (h *HNSW) search(s *searcher, v []float32, k int, p Params, exclude int64) ([]Result, error) {
	st := h.st
	sel := &selector{exclude: exclude}
	if st.live < st.n() {
		sel.dead = st.dead
	}
	want := st.live // returnable items
	if exclude >= 0 {
		want--
	}
	if p.Filter != nil {
		set, count, err := st.filters.match(p.Filter, st)
		if err != nil {
			return nil, err
		}
		sel.allowed = set
		want = count
		if exclude >= 0 && set.has(uint32(exclude)) {
			want--
		}
	}
	want = min(want, k)
	if want <= 0 {
		return []Result{}, nil
	}
	st.prepare(&s.q, v)
	kk := k
	if h.cfg.Rerank > 0 {
		kk = k * h.cfg.Rerank
	}
	if sel.allowed != nil && want < k || sel.allowed != nil && sel.allowed.count() <= bruteForceMax {
		return h.scan(&s.q, k, kk, sel), nil
	}
	ef := p.Ef
	if ef <= 0 {
		ef = h.cfg.Ef
	}
	ef = max(ef, kk)
	if ef >= st.n() {
		// A list as long as the index asks for every node: scan them all,
		// which is exact (a node inserted since the last repair mark may be
		// unreachable, see repair) and
		// no slower than a graph search that visits every node.
		return h.scan(&s.q, k, kk, sel), nil
	}
	for {
		cands := h.knn(s, &s.q, ef, sel)
		if len(cands) >= want {
			return finishResults(st, h.cfg.Rerank > 0, &s.q, k, cands[:min(len(cands), kk)]), nil
		}
		// Too few reachable (tombstones or filter): widen, then scan.
		if ef >= st.n() {
			return h.scan(&s.q, k, kk, sel), nil
		}
		ef *= 4
	}
}

// scan is the exact fallback: every returnable slot (or every slot of the
// filter's set) is compared with the query.
func (h *HNSW) scan(q *query, k, kk int, sel *selector) []Result {
	st := h.st
	var t topK
	t.reset(kk)
	if sel.allowed != nil {
		for w, word := range sel.allowed {
			for word != 0 {
				b := uint32(w*64) + uint32(bits.TrailingZeros64(word))
				word &= word - 1
				if int(b) < st.n() && sel.ok(b) {
					t.offer(st.dist(q, b), b)
				}
			}
		}
	} else {
		for i := 0; i < st.n(); i++ {
			if sel.ok(uint32(i)) {
				t.offer(st.dist(q, uint32(i)), uint32(i))
			}
		}
	}
	return finishResults(st, h.cfg.Rerank > 0, q, k, t.sorted())
}

// Search returns (approximately) the k items closest to q, best first.
func (h *HNSW) Search(q []float32, k int, p Params) ([]Result, error) {
	if err := validateQuery(q, k, h.cfg.Dim); err != nil {
		return nil, err
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	s := h.getSearcher()
	defer h.putSearcher(s)
	return h.search(s, q, k, p, -1)
}

// SearchByID searches with the stored vector of id, excluding id itself.
func (h *HNSW) SearchByID(id string, k int, p Params) ([]Result, error) {
	if k <= 0 {
		return nil, fmt.Errorf("index: k must be positive, got %d", k)
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	slot, ok := h.st.slots[id]
	if !ok {
		return nil, fmt.Errorf("index: search by ID: %w: %q", ErrNotFound, id)
	}
	s := h.getSearcher()
	defer h.putSearcher(s)
	v := slices.Clone(h.st.vector(slot, nil))
	return h.search(s, v, k, p, int64(slot))
}

// SearchBatch answers the rows of queries, (nq, dim), in parallel.
func (h *HNSW) SearchBatch(queries []float32, k int, p Params) ([][]Result, error) {
	nq, err := batchRows(queries, k, h.cfg.Dim)
	if err != nil {
		return nil, err
	}
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([][]Result, nq)
	errs := make([]error, nq)
	d := h.cfg.Dim
	kernels.Parallel(nq, 8, func(lo, hi int) {
		s := h.getSearcher()
		defer h.putSearcher(s)
		for i := lo; i < hi; i++ {
			out[i], errs[i] = h.search(s, queries[i*d:(i+1)*d], k, p, -1)
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("index: batch row %d: %w", i, err)
		}
	}
	return out, nil
}
