package index

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// store holds the items of an index by slot: IDs, metadata, float32 vectors
// and/or 8-bit codes, and tombstones. Flat keeps it dense (deletion moves the
// last slot into the hole); HNSW never moves a slot, since graph links name
// slots, and marks deleted slots dead instead.
//
// A quantised store holds float32 vectors only until its quantizer is fitted
// (see Quantization), then codes, and float32 vectors as well when keep is
// set (re-ranking).
type store struct {
	dim    int
	metric Metric
	qkind  Quantization
	keep   bool       // float32 vectors are kept once the quantizer is fitted
	quant  *quantizer // nil until fitted, or without quantization

	vecs   []float32 // (n, dim), when floats()
	norms  []float32 // (n): ||x||², when floats() and L2
	codes  []uint8   // (n, dim), when coded()
	qnorms []float32 // (n): ||decode(x)||², when coded() and L2

	ids   []string
	meta  []json.RawMessage
	dead  []bool
	slots map[string]uint32 // live IDs only
	live  int

	filters filterCache

	// written and clamped count the components of the vectors written after
	// the fitting write (or the load) and those the fitted ranges clamped;
	// see noteClamps. uncounted is what remains of the fitting write's
	// items, which the ranges span (every write appends each of its items).
	written, clamped uint64
	uncounted        int
	driftWarned      bool
}

func newStore(cfg Config) *store {
	return &store{
		dim:    cfg.Dim,
		metric: cfg.Metric,
		qkind:  cfg.Quantization,
		keep:   cfg.Quantization == NoQuant || cfg.Rerank > 0,
		slots:  map[string]uint32{},
	}
}

// n is the number of slots, live or dead.
func (s *store) n() int { return len(s.ids) }

// floats reports whether float32 vectors are held: always without
// quantization or with re-ranking, and before the quantizer is fitted.
func (s *store) floats() bool { return s.keep || s.quant == nil }

// coded reports whether codes are held (the quantizer is fitted): searches
// then run on them.
func (s *store) coded() bool { return s.quant != nil }

// normalize returns v, or under Cosine a unit-length copy of it in buf (the
// zero vector stays zero), with buf's storage reused when large enough.
func (s *store) normalize(v []float32, buf []float32) []float32 {
	if s.metric != Cosine {
		return v
	}
	buf = append(buf[:0], v...)
	nrm := float32(math.Sqrt(float64(kernels.Dot(v, v))))
	if nrm > 0 {
		inv := 1 / nrm
		for j := range buf {
			buf[j] *= inv
		}
	}
	return buf
}

// fit prepares the quantizer for a write of items, before any of them is
// stored: with auto (a bare index), it fits the quantizer when the write is
// due to (see fitDue); otherwise it installs q, the quantizer a DB fitted
// and logged with this write (nil: the write fits none). The caller holds
// the index's write lock for the whole write, so that no search sees the
// quantizer without the write's items.
func (s *store) fit(items []Item, auto bool, q *quantizer) {
	if auto {
		q = s.fitDue(items)
	}
	if q != nil && s.qkind != NoQuant && s.quant == nil && len(q.lo) == s.dim {
		s.setQuant(q)
		s.uncounted = len(items)
	}
}

// setQuant installs the quantizer q of an unfitted quantised store: every
// stored vector, tombstones included (they still route HNSW searches), is
// encoded, and the float32 vectors are dropped unless kept for re-ranking.
func (s *store) setQuant(q *quantizer) {
	n, d := s.n(), s.dim
	s.quant = q
	s.codes = make([]uint8, n*d)
	if s.metric == L2 {
		s.qnorms = make([]float32, n)
	}
	tmp := make([]float32, d)
	for slot := range n {
		c := s.codes[slot*d : (slot+1)*d]
		q.encode(s.vecs[slot*d:(slot+1)*d], c)
		if s.qnorms != nil {
			q.decode(c, tmp)
			s.qnorms[slot] = kernels.Dot(tmp, tmp)
		}
	}
	if !s.keep {
		s.vecs, s.norms = nil, nil
	}
}

// append stores a new live item in a new slot and returns the slot, encoded
// when the quantizer is fitted. meta is copied.
func (s *store) append(it *Item, buf *[]float32) uint32 {
	slot := uint32(len(s.ids))
	v := s.normalize(it.Vector, *buf)
	if s.metric == Cosine {
		*buf = v
	}
	if s.floats() {
		s.vecs = append(s.vecs, v...)
		if s.metric == L2 {
			s.norms = append(s.norms, kernels.Dot(v, v))
		}
	}
	if s.coded() {
		s.codes = slices.Grow(s.codes, s.dim)[:len(s.codes)+s.dim]
		c := s.codes[len(s.codes)-s.dim:]
		if clamped := s.quant.encode(v, c); s.uncounted > 0 {
			s.uncounted--
		} else {
			s.noteClamps(clamped)
		}
		if s.metric == L2 {
			tmp := make([]float32, s.dim)
			s.quant.decode(c, tmp)
			s.qnorms = append(s.qnorms, kernels.Dot(tmp, tmp))
		}
	}
	s.ids = append(s.ids, it.ID)
	var m json.RawMessage
	if len(it.Meta) > 0 {
		m = slices.Clone(it.Meta)
	}
	s.meta = append(s.meta, m)
	s.dead = append(s.dead, false)
	s.slots[it.ID] = slot
	s.live++
	s.filters.update(s, slot)
	return slot
}

// kill tombstones a live slot.
func (s *store) kill(slot uint32) {
	delete(s.slots, s.ids[slot])
	s.dead[slot] = true
	s.meta[slot] = nil
	s.live--
	s.filters.update(s, slot)
}

// swapRemove deletes a live slot by moving the last slot into it (Flat).
func (s *store) swapRemove(slot uint32) {
	delete(s.slots, s.ids[slot])
	last := uint32(len(s.ids) - 1)
	if slot != last {
		d := s.dim
		if s.floats() {
			copy(s.vecs[int(slot)*d:int(slot+1)*d], s.vecs[int(last)*d:])
			if s.norms != nil {
				s.norms[slot] = s.norms[last]
			}
		}
		if s.coded() {
			copy(s.codes[int(slot)*d:int(slot+1)*d], s.codes[int(last)*d:])
			if s.qnorms != nil {
				s.qnorms[slot] = s.qnorms[last]
			}
		}
		s.ids[slot], s.meta[slot], s.dead[slot] = s.ids[last], s.meta[last], s.dead[last]
		if !s.dead[slot] {
			s.slots[s.ids[slot]] = slot
		}
	}
	s.truncate(int(last))
	s.live--
	if slot != last {
		s.filters.update(s, slot)
	}
}

// compacted returns a new store holding the live slots of s, in slot order,
// with the same quantizer: the rows of an HNSW rebuilt without its
// tombstones. s is only read.
func (s *store) compacted() *store {
	c := &store{dim: s.dim, metric: s.metric, qkind: s.qkind, keep: s.keep, quant: s.quant,
		slots: make(map[string]uint32, s.live),
		// The clamp count goes on (Vacuum, then a refit, in DB.compact).
		written: s.written, clamped: s.clamped, driftWarned: s.driftWarned}
	d := s.dim
	for slot, dead := range s.dead {
		if dead {
			continue
		}
		if s.floats() {
			c.vecs = append(c.vecs, s.vecs[slot*d:(slot+1)*d]...)
			if s.norms != nil {
				c.norms = append(c.norms, s.norms[slot])
			}
		}
		if s.coded() {
			c.codes = append(c.codes, s.codes[slot*d:(slot+1)*d]...)
			if s.qnorms != nil {
				c.qnorms = append(c.qnorms, s.qnorms[slot])
			}
		}
		c.slots[s.ids[slot]] = uint32(len(c.ids))
		c.ids = append(c.ids, s.ids[slot])
		c.meta = append(c.meta, s.meta[slot])
		c.dead = append(c.dead, false)
	}
	c.live = len(c.ids)
	return c
}

// truncate drops slots >= n.
func (s *store) truncate(n int) {
	if s.floats() {
		s.vecs = s.vecs[:n*s.dim]
		if s.norms != nil {
			s.norms = s.norms[:n]
		}
	}
	if s.coded() {
		s.codes = s.codes[:n*s.dim]
		if s.qnorms != nil {
			s.qnorms = s.qnorms[:n]
		}
	}
	clear(s.ids[n:])
	clear(s.meta[n:])
	s.ids, s.meta, s.dead = s.ids[:n], s.meta[:n], s.dead[:n]
	s.filters.truncate(n)
}

// vector returns the float32 vector of slot: the stored one, or decoded into
// buf when only codes are kept.
func (s *store) vector(slot uint32, buf []float32) []float32 {
	d := int(slot) * s.dim
	if s.floats() {
		return s.vecs[d : d+s.dim]
	}
	buf = slices.Grow(buf[:0], s.dim)[:s.dim]
	s.quant.decode(s.codes[d:d+s.dim], buf)
	return buf
}

// query is a query vector prepared for distance computations against the
// store.
type query struct {
	v     []float32 // normalised under Cosine, (dim)
	qn    float32   // ||v||², under L2
	codes bool      // distances are computed on codes (ADC)
	qs    []float32 // v∘scale, when codes
	bias  float32   // v·lo, when codes
	own   []float32 // storage for v when it is a copy
}

// prepare fills q for the vector v (not retained), to be compared on codes
// when the store holds them.
func (s *store) prepare(q *query, v []float32) {
	if s.metric == Cosine {
		q.own = s.normalize(v, q.own)
	} else {
		q.own = append(q.own[:0], v...)
	}
	q.v = q.own
	q.finish(s, true)
}

// prepareSlot fills q for the stored vector of slot. With exact, distances
// use float32 vectors when the store holds them (graph construction);
// otherwise they run on codes when it holds those, as searches do.
func (s *store) prepareSlot(q *query, slot uint32, exact bool) {
	d := int(slot) * s.dim
	if s.floats() {
		q.v = s.vecs[d : d+s.dim : d+s.dim]
	} else {
		q.own = slices.Grow(q.own[:0], s.dim)[:s.dim]
		s.quant.decode(s.codes[d:d+s.dim], q.own)
		q.v = q.own
	}
	q.finish(s, !(exact && s.floats()))
}

// finish completes q; codes asks for distances on codes, which they take
// when the store holds codes.
func (q *query) finish(s *store, codes bool) {
	if s.metric == L2 {
		q.qn = kernels.Dot(q.v, q.v)
	}
	q.codes = codes && s.coded()
	if q.codes {
		q.qs = slices.Grow(q.qs[:0], s.dim)[:s.dim]
		var bias float32
		for j, x := range q.v {
			q.qs[j] = x * s.quant.scale[j]
			bias += x * s.quant.lo[j]
		}
		q.bias = bias
	}
}

// dist is the distance from q to slot, lower is closer: on codes when q says
// so, else exact.
func (s *store) dist(q *query, slot uint32) float32 {
	d := int(slot) * s.dim
	if q.codes {
		ip := q.bias + kernels.DotU8(q.qs, s.codes[d:d+s.dim])
		if s.metric == L2 {
			return q.qn - 2*ip + s.qnorms[slot]
		}
		return -ip
	}
	if s.metric == L2 {
		return kernels.L2Sq(q.v, s.vecs[d:d+s.dim])
	}
	return -kernels.Dot(q.v, s.vecs[d:d+s.dim])
}

// exact is the float32 distance from q to slot (floats must be held).
func (s *store) exact(q *query, slot uint32) float32 {
	d := int(slot) * s.dim
	if s.metric == L2 {
		return kernels.L2Sq(q.v, s.vecs[d:d+s.dim])
	}
	return -kernels.Dot(q.v, s.vecs[d:d+s.dim])
}

// result builds the public result for slot at distance d.
func (s *store) result(slot uint32, d float32) Result {
	return Result{ID: s.ids[slot], Score: s.metric.score(d), Meta: s.meta[slot]}
}

// item returns a copy of the live item in slot.
func (s *store) item(slot uint32) Item {
	v := slices.Clone(s.vector(slot, nil))
	return Item{ID: s.ids[slot], Vector: v, Meta: slices.Clone(s.meta[slot])}
}

// selector decides which slots a search may return.
type selector struct {
	dead    []bool // nil: no tombstones to check
	allowed bitset // nil: no filter
	exclude int64  // slot to skip (search by ID), -1 for none
}

func (sel *selector) ok(slot uint32) bool {
	if sel.dead != nil && sel.dead[slot] {
		return false
	}
	if sel.allowed != nil && !sel.allowed.has(slot) {
		return false
	}
	return int64(slot) != sel.exclude
}

// all reports whether every slot is returnable (no checks needed).
func (sel *selector) all() bool { return sel.dead == nil && sel.allowed == nil && sel.exclude < 0 }

// distRows computes out[i] = dist(q, rows[i]) with the gathering kernels,
// which prefetch every row before the first product.
func (s *store) distRows(q *query, rows []uint32, out []float32) {
	out = out[:len(rows)]
	switch {
	case q.codes:
		kernels.DotU8Rows(q.qs, s.codes, rows, out)
		if s.metric == L2 {
			for i, r := range rows {
				out[i] = q.qn - 2*(q.bias+out[i]) + s.qnorms[r]
			}
		} else {
			for i := range out {
				out[i] = -(q.bias + out[i])
			}
		}
	case s.metric == L2:
		kernels.L2SqRows(q.v, s.vecs, rows, out)
	default:
		kernels.DotRows(q.v, s.vecs, rows, out)
		for i := range out {
			out[i] = -out[i]
		}
	}
}
