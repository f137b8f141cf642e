package index

import (
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strings"
)

// Quantization selects how stored vectors are compressed.
//
// Int8PerDim and Int8Global are 8-bit scalar quantisation (as FAISS's
// ScalarQuantizer QT_8bit): each component x is stored as the level
// c = round((x - lo)/scale), c in 0..255, with lo and scale = (hi-lo)/255 taken
// per dimension or over all dimensions (values outside the fitted range are
// clamped). Search uses asymmetric distance computation: the query stays
// float32 and the inner product is q·lo + (q∘scale)·c, one float-by-byte dot
// product per stored vector.
//
// The ranges are fitted lazily, as Qdrant does: while an index holds fewer
// than MinQuantFit live items it keeps their float32 vectors and searches them
// exactly; the write that brings the live count to MinQuantFit or more fits lo
// and hi on every item live after that write (the ones held and the batch),
// encodes every stored vector, and drops the float32 copies unless
// Config.Rerank keeps them. From then on the quantizer is fixed, except that
// a DB that keeps the float32 vectors refits it at compaction when later
// items have drifted outside its ranges (see driftRate). A first write
// of MinQuantFit items or more therefore fits on that write alone, as an
// eager fit would; a user writing one item at a time gets ranges fitted on the
// first MinQuantFit items instead of on the first item, whose range of width
// zero would give every later vector the same codes.
type Quantization uint8

const (
	// NoQuant stores float32 vectors.
	NoQuant Quantization = iota
	// Int8PerDim fits lo and hi per dimension.
	Int8PerDim
	// Int8Global fits one lo and hi over all dimensions.
	Int8Global
)

// String returns "none", "int8" (per dimension) or "int8-global".
func (q Quantization) String() string {
	switch q {
	case NoQuant:
		return "none"
	case Int8PerDim:
		return "int8"
	case Int8Global:
		return "int8-global"
	}
	return fmt.Sprintf("Quantization(%d)", uint8(q))
}

// ParseQuantization parses "none" (or ""), "int8" (or "int8-dim") and
// "int8-global".
func ParseQuantization(s string) (Quantization, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none", "float32":
		return NoQuant, nil
	case "int8", "int8-dim", "int8-perdim", "sq8":
		return Int8PerDim, nil
	case "int8-global":
		return Int8Global, nil
	}
	return 0, fmt.Errorf("index: unknown quantization %q (want none, int8 or int8-global)", s)
}

func (q Quantization) valid() bool { return q <= Int8Global }

// quantizer maps float32 components to 8-bit levels: x ≈ lo[j] + scale[j]*c.
type quantizer struct {
	lo    []float32 // (dim)
	scale []float32 // (dim)
	inv   []float32 // 1/scale, 0 where scale is 0
}

// MinQuantFit is the live item count at which a quantised index fits its
// quantizer (see Quantization). The range of m draws leaves about 2/(m+1) of
// later values of a dimension outside it, to be clamped: 3% at 64, 0.2% at
// 1024. Clamping costs recall: 20,000 clustered vectors (32 dimensions, 50
// clusters) in an int8 index whose ranges were fitted on the first m of
// them reach recall@10 0.716 at m = 64, 0.899 at 256, 0.943 at 1024 and
// 0.947 at 4096 against 0.953 fitted on all of them (Cosine; L2 0.879,
// 0.959, 0.973, 0.972 and 0.969; CONTRAST_LONG=1 go test -run
// TestFitOrderRecall -v). Below it the index stores float32 vectors and
// searches exactly, which at this size costs little (4 MiB at 1,024 dimensions), as
// Qdrant leaves small segments unquantised. Deletions before the fit lower
// the count, so the fit waits until MinQuantFit items are live at once;
// deletions after it change nothing (only a drift refit changes the ranges).
const MinQuantFit = 1024

// minQuantFitV1 was MinQuantFit up to the sixth session: the size of the
// first write with which builds before the lazy fit fitted their quantizer
// (see replayer.eagerFit), fixed by the logs those builds wrote.
const minQuantFitV1 = 64

// fitDue returns the quantizer that a write of items fits (see
// Quantization), or nil when the store is not quantised, is fitted already,
// or would still hold fewer than MinQuantFit live items after the write.
// Items whose IDs are live are replaced by the write: their old vectors take
// no part in the fit. items are valid and their IDs distinct.
func (s *store) fitDue(items []Item) *quantizer {
	if s.qkind == NoQuant || s.quant != nil || len(items) == 0 {
		return nil
	}
	replaced := map[uint32]bool{}
	for i := range items {
		if slot, ok := s.slots[items[i].ID]; ok {
			replaced[slot] = true
		}
	}
	if s.live+len(items)-len(replaced) < MinQuantFit {
		return nil
	}
	return s.fitWith(items, replaced)
}

// fitWith fits a quantizer of the store's kind on the live items whose slots
// replaced does not name, and on items (normalised as the store keeps them).
// The store holds float32 vectors (it is not fitted) or items is not empty.
func (s *store) fitWith(items []Item, replaced map[uint32]bool) *quantizer {
	var r ranges
	d := s.dim
	for slot, dead := range s.dead {
		if !dead && !replaced[uint32(slot)] {
			r.add(s.vecs[slot*d : (slot+1)*d])
		}
	}
	var buf []float32
	for i := range items {
		buf = s.normalize(items[i].Vector, buf)
		r.add(buf)
	}
	return r.quantizer(s.qkind)
}

// ranges accumulates the per-dimension minimum and maximum of rows.
type ranges struct{ lo, hi []float32 }

func (r *ranges) add(x []float32) {
	if r.lo == nil {
		r.lo, r.hi = slices.Clone(x), slices.Clone(x)
		return
	}
	for j, v := range x {
		r.lo[j] = min(r.lo[j], v)
		r.hi[j] = max(r.hi[j], v)
	}
}

// quantizer returns the quantizer of kind fitted to the rows added (one at
// least).
func (r *ranges) quantizer(kind Quantization) *quantizer {
	lo, hi := r.lo, r.hi
	if kind == Int8Global {
		glo, ghi := lo[0], hi[0]
		for j := range lo {
			glo, ghi = min(glo, lo[j]), max(ghi, hi[j])
		}
		for j := range lo {
			lo[j], hi[j] = glo, ghi
		}
	}
	scale := make([]float32, len(lo))
	for j := range scale {
		scale[j] = (hi[j] - lo[j]) / 255
	}
	return newQuantizer(lo, scale)
}

// fitQuantizer fits a quantizer of the given kind to data, (n, dim), n >= 1.
func fitQuantizer(kind Quantization, dim int, data []float32) *quantizer {
	var r ranges
	for off := 0; off < len(data); off += dim {
		r.add(data[off : off+dim])
	}
	return r.quantizer(kind)
}

func newQuantizer(lo, scale []float32) *quantizer {
	inv := make([]float32, len(scale))
	for j, s := range scale {
		if s > 0 {
			inv[j] = 1 / s
		}
	}
	return &quantizer{lo: lo, scale: scale, inv: inv}
}

// validate checks a quantizer read from outside.
func (q *quantizer) validate() error {
	for j := range q.lo {
		if !finite(q.lo[j]) || !finite(q.scale[j]) || q.scale[j] < 0 {
			return fmt.Errorf("quantizer dimension %d: lo %v scale %v", j, q.lo[j], q.scale[j])
		}
	}
	return nil
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// encode writes the codes of x to dst, both of length dim, and returns the
// number of components clamped: more than half a step outside the fitted
// range (within it a value loses no more than rounding does), or, in a
// range of width zero, other than its one value.
func (q *quantizer) encode(x []float32, dst []uint8) (clamped int) {
	for j, v := range x {
		c := (v - q.lo[j]) * q.inv[j]
		switch {
		case q.inv[j] == 0: // a range of width zero: every value is lo
			dst[j] = 0
			if v != q.lo[j] {
				clamped++
			}
		case c <= 0:
			dst[j] = 0
			if c < -0.5 {
				clamped++
			}
		case c >= 255:
			dst[j] = 255
			if c > 255.5 {
				clamped++
			}
		default:
			dst[j] = uint8(c + 0.5)
		}
	}
	return clamped
}

// driftRate is the share of the components written after the fit that its
// ranges clamp above which a store warns (once): about 2/(MinQuantFit+1),
// 0.2%, are expected when later items come from the same distribution as
// the first MinQuantFit; more means they do not (data written in an order,
// by class say), and recall suffers: 20,000 clustered vectors (32
// dimensions) written 100 at a time sorted by their first component reach
// recall@10 0.632 against 0.953 in one batch (Cosine; L2 0.819 against
// 0.969), with 5.2% of the later components clamped (TestFitOrderRecall).
// Refitting needs the float32 vectors, which only Rerank keeps: a DB with
// Rerank refits at compaction (store.refit), which for those
// writes (Flat) raises recall@10 from 0.632 to 0.953 with Rerank 1 and
// from 0.817 to 1.000 with Rerank 2 (Cosine; L2 0.819 to 0.969, 0.992 to
// 1.000).
const driftRate = 0.01

// noteClamps counts the clamped components of one vector written after the
// fit and warns once the share passes driftRate over MinQuantFit vectors
// or more.
func (s *store) noteClamps(clamped int) {
	s.written += uint64(s.dim)
	s.clamped += uint64(clamped)
	if !s.driftWarned && s.drifted() {
		s.driftWarned = true
		fix := fmt.Sprintf("write a representative sample first (a first write of %d items or more fits on all of them), or keep float32 vectors with Rerank", MinQuantFit)
		if s.keep {
			fix = "a DB that keeps the float32 vectors (Rerank) refits them at its next compaction"
		}
		slog.Warn("index: the int8 ranges fitted on the first items clamp many components of later ones, and recall suffers; "+fix,
			"clamped", s.clamped, "components", s.written, "share", float64(s.clamped)/float64(s.written))
	}
}

// drifted reports whether the vectors written since the fit (MinQuantFit
// of them at least) had more than driftRate of their components clamped.
func (s *store) drifted() bool {
	return s.written >= MinQuantFit*uint64(s.dim) && float64(s.clamped) > driftRate*float64(s.written)
}

// refit fits the quantizer anew on the live float32 vectors of a fitted
// store that keeps them (Rerank) and has drifted, re-encodes every slot and
// reports whether it did. DB.Compact calls it before writing the snapshot,
// which then carries the new quantizer (the log after it replays onto it).
func (s *store) refit() bool {
	if !s.keep || s.quant == nil || s.live == 0 || !s.drifted() {
		return false
	}
	q := s.fitWith(nil, nil)
	s.quant = nil
	s.setQuant(q)
	s.written, s.clamped, s.driftWarned = 0, 0, false
	return true
}

// decode writes the reconstruction of codes c to dst.
func (q *quantizer) decode(c []uint8, dst []float32) {
	for j, v := range c {
		dst[j] = q.lo[j] + q.scale[j]*float32(v)
	}
}
