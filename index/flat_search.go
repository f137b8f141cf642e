package index

import (
	"math"
	"math/bits"
	"sync"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Block sizes of Flat's batched search: each worker multiplies FlatQueryBlock
// queries by FlatBaseBlock stored vectors at a time, so its scratch scores
// take FlatQueryBlock*FlatBaseBlock*4 bytes (1 MiB by default) whatever the
// index size. Variables so that benchmarks can tune them.
var (
	FlatQueryBlock = 128
	FlatBaseBlock  = 2048
)

// flatParallelMin is the number of stored values (n*dim) above which a single
// query is split over cores.
const flatParallelMin = 1 << 18

// candidates is the number of candidates selected before exact re-ranking.
func (f *Flat) candidates(k int) int {
	if f.cfg.Rerank > 0 {
		return k * f.cfg.Rerank
	}
	return k
}

// searchOne is the exact scan for one query vector (not yet normalised).
func (f *Flat) searchOne(v []float32, k int, sel *selector) []Result {
	st := f.st
	var q query
	st.prepare(&q, v)
	kk := f.candidates(k)
	n := st.n()
	var all topK
	all.reset(kk)
	if sel.allowed != nil && sel.allowed.count() < n/16 {
		// A selective filter: visit only the matching slots.
		for w, word := range sel.allowed {
			for word != 0 {
				b := uint32(w*64) + uint32(bits.TrailingZeros64(word))
				word &= word - 1
				if int(b) < n && sel.ok(b) {
					all.offer(st.dist(&q, b), b)
				}
			}
		}
		return f.finish(&q, k, all.sorted())
	}
	var mu sync.Mutex
	grain := n
	if n*st.dim >= flatParallelMin {
		grain = max(1024, flatParallelMin/st.dim)
	}
	kernels.Parallel(n, grain, func(lo, hi int) {
		var t topK
		t.reset(kk)
		bound := float32(math.Inf(1))
		for i := lo; i < hi; i++ {
			d := st.dist(&q, uint32(i))
			if d < bound && sel.ok(uint32(i)) {
				t.offer(d, uint32(i))
				if t.full() {
					bound = t.h.top().d
				}
			}
		}
		mu.Lock()
		for _, c := range t.h {
			all.offer(c.d, c.slot)
		}
		mu.Unlock()
	})
	return f.finish(&q, k, all.sorted())
}

// finish re-ranks candidates (closest first) exactly when configured, and
// returns the best k as results.
func (f *Flat) finish(q *query, k int, cands []cand) []Result {
	return finishResults(f.st, f.cfg.Rerank > 0, q, k, cands)
}

func finishResults(st *store, rerank bool, q *query, k int, cands []cand) []Result {
	if rerank && len(cands) > 0 {
		var t topK
		t.reset(k)
		for _, c := range cands {
			t.offer(st.exact(q, c.slot), c.slot)
		}
		cands = t.sorted()
	}
	if len(cands) > k {
		cands = cands[:k]
	}
	out := make([]Result, len(cands))
	for i, c := range cands {
		out[i] = st.result(c.slot, c.d)
	}
	return out
}

// searchBatch answers nq queries, (nq, dim), with blocked Sgemm.
func (f *Flat) searchBatch(queries []float32, nq, k int, sel *selector) [][]Result {
	st := f.st
	d := st.dim
	n := st.n()
	out := make([][]Result, nq)
	qb, bb := max(1, FlatQueryBlock), max(1, FlatBaseBlock)
	blocks := (nq + qb - 1) / qb
	kk := f.candidates(k)
	kernels.Parallel(blocks, 1, func(lo, hi int) {
		scores := make([]float32, qb*min(bb, max(n, 1)))
		qmat := make([]float32, qb*d)
		var deq []float32
		if st.coded() {
			deq = make([]float32, min(bb, max(n, 1))*d)
		}
		qs := make([]query, qb)
		tops := make([]topK, qb)
		for blk := lo; blk < hi; blk++ {
			q0 := blk * qb
			m := min(qb, nq-q0)
			for i := 0; i < m; i++ {
				st.prepare(&qs[i], queries[(q0+i)*d:(q0+i+1)*d])
				copy(qmat[i*d:], qs[i].v)
				tops[i].reset(kk)
			}
			for b0 := 0; b0 < n; b0 += bb {
				nb := min(bb, n-b0)
				var base []float32
				var norms []float32
				if st.coded() {
					for j := 0; j < nb; j++ {
						st.quant.decode(st.codes[(b0+j)*d:(b0+j+1)*d], deq[j*d:(j+1)*d])
					}
					base = deq[:nb*d]
					if st.qnorms != nil {
						norms = st.qnorms[b0 : b0+nb]
					}
				} else {
					base = st.vecs[b0*d : (b0+nb)*d]
					if st.norms != nil {
						norms = st.norms[b0 : b0+nb]
					}
				}
				kernels.Sgemm(false, true, m, nb, d, 1, qmat, d, base, d, 0, scores, nb)
				for i := 0; i < m; i++ {
					selectRow(&tops[i], scores[i*nb:(i+1)*nb], norms, qs[i].qn, uint32(b0), sel)
				}
			}
			for i := 0; i < m; i++ {
				out[q0+i] = f.finish(&qs[i], k, tops[i].sorted())
			}
		}
	})
	return out
}

// selectRow offers one row of inner products, for stored slots base.., to t.
// With norms (L2) the distance is qn + ||x||² - 2 q·x, else -q·x.
func selectRow(t *topK, row, norms []float32, qn float32, base uint32, sel *selector) {
	bound := float32(math.Inf(1))
	if t.full() {
		bound = t.h.top().d
	}
	all := sel.all()
	if norms != nil {
		norms = norms[:len(row)]
		for j, s := range row {
			d := qn + norms[j] - 2*s
			if d < bound && (all || sel.ok(base+uint32(j))) {
				t.offer(d, base+uint32(j))
				if t.full() {
					bound = t.h.top().d
				}
			}
		}
		return
	}
	for j, s := range row {
		d := -s
		if d < bound && (all || sel.ok(base+uint32(j))) {
			t.offer(d, base+uint32(j))
			if t.full() {
				bound = t.h.top().d
			}
		}
	}
}
