package index

import "slices"

// cand is a slot at a distance (lower is closer).
type cand struct {
	d    float32
	slot uint32
}

func candCmp(a, b cand) int {
	switch {
	case a.d < b.d:
		return -1
	case a.d > b.d:
		return 1
	case a.slot < b.slot:
		return -1
	case a.slot > b.slot:
		return 1
	}
	return 0
}

// maxHeap is a binary heap with the farthest candidate on top; hand-written
// (no container/heap interface calls) because it sits in the search loops.
type maxHeap []cand

func (h maxHeap) top() cand { return h[0] }

func (h *maxHeap) push(c cand) {
	*h = append(*h, c)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d >= c.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = c
}

func (h *maxHeap) pop() cand {
	a := *h
	top := a[0]
	n := len(a) - 1
	last := a[n]
	*h = a[:n]
	if n > 0 {
		a[:n].siftDown(last)
	}
	return top
}

// replaceTop swaps the top for c and restores the heap.
func (h maxHeap) replaceTop(c cand) { h.siftDown(c) }

func (h maxHeap) siftDown(c cand) {
	n := len(h)
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && h[r].d > h[l].d {
			l = r
		}
		if h[l].d <= c.d {
			break
		}
		h[i] = h[l]
		i = l
	}
	h[i] = c
}

// minHeap is a binary heap with the closest candidate on top.
type minHeap []cand

func (h *minHeap) push(c cand) {
	*h = append(*h, c)
	a := *h
	i := len(a) - 1
	for i > 0 {
		p := (i - 1) / 2
		if a[p].d <= c.d {
			break
		}
		a[i] = a[p]
		i = p
	}
	a[i] = c
}

func (h *minHeap) pop() cand {
	a := *h
	top := a[0]
	n := len(a) - 1
	last := a[n]
	*h = a[:n]
	if n == 0 {
		return top
	}
	a = a[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		if r := l + 1; r < n && a[r].d < a[l].d {
			l = r
		}
		if a[l].d >= last.d {
			break
		}
		a[i] = a[l]
		i = l
	}
	a[i] = last
	return top
}

// topK keeps the k closest candidates offered to it.
type topK struct {
	k int
	h maxHeap
}

func (t *topK) reset(k int) {
	t.k = k
	t.h = t.h[:0]
}

// bound is the distance a candidate must beat to enter, +Inf while not full.
func (t *topK) full() bool { return len(t.h) >= t.k }

func (t *topK) offer(d float32, slot uint32) {
	if len(t.h) < t.k {
		t.h.push(cand{d, slot})
	} else if d < t.h[0].d {
		t.h.replaceTop(cand{d, slot})
	}
}

// sorted returns the kept candidates, closest first (ties by slot), in a
// slice that aliases t.
func (t *topK) sorted() []cand {
	slices.SortFunc(t.h, candCmp)
	return t.h
}
