package eval

// topK selects the k highest-scoring indices of scores, skipping index skip
// (pass -1 to skip nothing), and writes them to dst in descending score order;
// equal scores are ordered by ascending index so results are deterministic.
// It keeps a min-heap of the best k seen so far, so it costs O(n + m log k)
// where m is the number of heap replacements (small for random order), and
// needs no allocation when cap(dst) >= k. It returns dst[:min(k, available)].
func topK(dst []int32, scores []float32, k, skip int) []int32 {
	n := len(scores)
	avail := n
	if skip >= 0 && skip < n {
		avail--
	}
	k = min(k, avail)
	if k <= 0 {
		return dst[:0]
	}
	h := dst[:0]
	// worse(a, b): a ranks below b.
	worse := func(a, b int32) bool {
		sa, sb := scores[a], scores[b]
		if sa != sb {
			return sa < sb
		}
		return a > b
	}
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(h) {
				return
			}
			m := l
			if r := l + 1; r < len(h) && worse(h[r], h[l]) {
				m = r
			}
			if !worse(h[m], h[i]) {
				return
			}
			h[i], h[m] = h[m], h[i]
			i = m
		}
	}
	for i := 0; i < n; i++ {
		if i == skip {
			continue
		}
		if len(h) < k {
			h = append(h, int32(i))
			for j := len(h) - 1; j > 0; { // sift up
				p := (j - 1) / 2
				if !worse(h[j], h[p]) {
					break
				}
				h[j], h[p] = h[p], h[j]
				j = p
			}
			continue
		}
		// scores[i] enters only if it beats the current worst; equal scores
		// lose because i is larger than every index already in the heap.
		if scores[i] <= scores[h[0]] {
			continue
		}
		h[0] = int32(i)
		down(0)
	}
	// Heap sort in place: repeatedly move the worst to the end.
	for end := len(h) - 1; end > 0; end-- {
		h[0], h[end] = h[end], h[0]
		full := h
		h = h[:end]
		down(0)
		h = full
	}
	return h
}
