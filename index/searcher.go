package index

// searcher is the per-goroutine scratch of graph searches, pooled so that a
// search in steady state allocates only its results.
type searcher struct {
	visited []uint16 // visited[slot] == epoch: seen in this search
	epoch   uint16
	cand    minHeap
	top     maxHeap
	nbuf    []uint32 // neighbour list copied under its lock
	fresh   []uint32 // unvisited neighbours of the node being expanded
	dists   []float32
	work    []cand // sorted candidates
	chosen  []cand // heuristic selection
	q       query  // the query
	nq      query  // a stored node as query (heuristic)
	lq      query  // a neighbour being pruned
}

// visit starts a new search over n slots.
func (s *searcher) visit(n int) {
	if len(s.visited) < n {
		s.visited = make([]uint16, n+n/4+64)
		s.epoch = 0
	}
	s.epoch++
	if s.epoch == 0 {
		clear(s.visited)
		s.epoch = 1
	}
}

func (h *HNSW) getSearcher() *searcher  { return h.pool.Get().(*searcher) }
func (h *HNSW) putSearcher(s *searcher) { h.pool.Put(s) }
