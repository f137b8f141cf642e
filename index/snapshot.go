package index

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Snapshot format, version 2 (all integers little-endian):
//
//	header (44 bytes): magic "CONTRIDX", version u32, kind u8, metric u8,
//	    quantization u8, flags u8 (bit 0: float32 vectors present), dim u32,
//	    slots u64, log generation u64, sections u32, CRC-32C of the above u32
//	sections, in this order, each: tag [4]byte, length u64, payload,
//	    CRC-32C of tag, length and payload u32
//	  CONF  M u32, efConstruction u32, ef u32, rerank u32, seed u64,
//	        level-generator state (u32 length + bytes)
//	  ITEM  per slot: dead u8, ID (u16 length + bytes), meta (u32 length + bytes)
//	  QUNT  (quantised) fitted u8, [lo f32 x dim, scale f32 x dim, codes u8 x slots*dim]
//	  VECS  (float32 present) f32 x slots*dim
//	  GRPH  (HNSW) entry i64, max level u32, levels u8 x slots,
//	        layer-0 links u32 x slots*(2M+1), then for each slot with level > 0
//	        its upper links u32 x level*(M+1); a link list is a count and slots
//
// The file ends right after the last section.
//
// Version 1 has the same layout, but float32 vectors are present exactly when
// there is no quantization or rerank is set, and a quantised index with slots
// has a fitted quantizer. Version 2 adds the quantised index that holds items
// but has not fitted its quantizer yet (see Quantization): its QUNT says not
// fitted and its float32 vectors are present whatever rerank says. A writer
// uses version 2 only for that state, so that every other snapshot stays
// readable by builds that read version 1; readers take both.
const (
	snapMagic     = "CONTRIDX"
	snapVersion   = 2 // the newest version read and written
	snapVersionV1 = 1
	snapHeader    = 44
)

var (
	tagConf  = [4]byte{'C', 'O', 'N', 'F'}
	tagItem  = [4]byte{'I', 'T', 'E', 'M'}
	tagQuant = [4]byte{'Q', 'U', 'N', 'T'}
	tagVecs  = [4]byte{'V', 'E', 'C', 'S'}
	tagGraph = [4]byte{'G', 'R', 'P', 'H'}
)

// section is one section to write: its tag, exact payload length and a
// function streaming the payload.
type section struct {
	tag   [4]byte
	n     int64
	write func(w io.Writer) error
}

// WriteSnapshot writes idx (a *Flat, *HNSW or *DB) in the snapshot format. It
// holds idx's read lock (a DB's writer lock too) while writing: searches go
// on, writes wait.
func WriteSnapshot(w io.Writer, idx Index) error {
	return writeSnapshot(w, idx, 0)
}

func writeSnapshot(w io.Writer, idx Index, gen uint64) error {
	switch x := idx.(type) {
	case *Flat:
		x.mu.RLock()
		defer x.mu.RUnlock()
		return encodeSnapshot(w, KindFlat, x.cfg, x.st, nil, gen)
	case *HNSW:
		x.mu.RLock()
		defer x.mu.RUnlock()
		return encodeSnapshot(w, KindHNSW, x.cfg, x.st, x, gen)
	case *DB:
		x.mu.Lock() // no write or log reset meanwhile (a Vacuum swaps under x.idx's lock)
		defer x.mu.Unlock()
		return writeSnapshot(w, x.idx, gen)
	}
	return fmt.Errorf("index: snapshot: unsupported index type %T", idx)
}

func encodeSnapshot(w io.Writer, kind Kind, cfg Config, st *store, h *HNSW, gen uint64) error {
	n := st.n()
	version := uint32(snapVersionV1)
	if st.qkind != NoQuant && !st.coded() && n > 0 {
		version = snapVersion
	}
	// An empty unfitted store holds no vectors: it writes as version 1 did.
	vecs := st.floats() && (st.keep || n > 0)
	secs := []section{confSection(cfg, h), itemSection(st)}
	if st.qkind != NoQuant {
		secs = append(secs, quantSection(st))
	}
	if vecs {
		secs = append(secs, section{tagVecs, 4 * int64(len(st.vecs)), func(w io.Writer) error {
			return writeF32s(w, st.vecs)
		}})
	}
	if h != nil {
		secs = append(secs, graphSection(h))
	}
	var e enc
	e.b = append(e.b, snapMagic...)
	e.u32(version)
	e.u8(uint8(kind))
	e.u8(uint8(cfg.Metric))
	e.u8(uint8(cfg.Quantization))
	var flags uint8
	if vecs {
		flags |= 1
	}
	e.u8(flags)
	e.u32(uint32(cfg.Dim))
	e.u64(uint64(n))
	e.u64(gen)
	e.u32(uint32(len(secs)))
	e.u32(crc(e.b))
	bw := bufio.NewWriterSize(w, 1<<20)
	if _, err := bw.Write(e.b); err != nil {
		return fmt.Errorf("index: write snapshot: %w", err)
	}
	for _, s := range secs {
		cw := newCRCWriter(bw)
		var hdr [12]byte
		copy(hdr[:4], s.tag[:])
		binary.LittleEndian.PutUint64(hdr[4:], uint64(s.n))
		cw.Write(hdr[:])
		if err := s.write(cw); err != nil {
			return fmt.Errorf("index: write snapshot section %s: %w", s.tag, err)
		}
		if cw.err != nil {
			return fmt.Errorf("index: write snapshot section %s: %w", s.tag, cw.err)
		}
		if cw.n != 12+s.n {
			panic(fmt.Sprintf("index: snapshot section %s: wrote %d bytes, declared %d", s.tag, cw.n-12, s.n))
		}
		var sum [4]byte
		binary.LittleEndian.PutUint32(sum[:], cw.h.Sum32())
		if _, err := bw.Write(sum[:]); err != nil {
			return fmt.Errorf("index: write snapshot: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("index: write snapshot: %w", err)
	}
	return nil
}

func confSection(cfg Config, h *HNSW) section {
	var e enc
	e.u32(uint32(cfg.M))
	e.u32(uint32(cfg.EfConstruction))
	e.u32(uint32(cfg.Ef))
	e.u32(uint32(cfg.Rerank))
	e.u64(cfg.Seed)
	var state []byte
	if h != nil {
		state, _ = h.pcg.MarshalBinary()
	}
	e.bytes32(state)
	return section{tagConf, int64(len(e.b)), func(w io.Writer) error {
		_, err := w.Write(e.b)
		return err
	}}
}

func itemSection(st *store) section {
	var size int64
	for i := range st.ids {
		size += 1 + 2 + int64(len(st.ids[i])) + 4 + int64(len(st.meta[i]))
	}
	return section{tagItem, size, func(w io.Writer) error {
		var e enc
		for i := range st.ids {
			var dead uint8
			if st.dead[i] {
				dead = 1
			}
			e.u8(dead)
			e.u16(uint16(len(st.ids[i])))
			e.b = append(e.b, st.ids[i]...)
			e.bytes32(st.meta[i])
			if len(e.b) >= 1<<16 || i == len(st.ids)-1 {
				if _, err := w.Write(e.b); err != nil {
					return err
				}
				e.b = e.b[:0]
			}
		}
		return nil
	}}
}

func quantSection(st *store) section {
	size := int64(1)
	if st.quant != nil {
		size += 8*int64(st.dim) + int64(len(st.codes))
	}
	return section{tagQuant, size, func(w io.Writer) error {
		if st.quant == nil {
			_, err := w.Write([]byte{0})
			return err
		}
		if _, err := w.Write([]byte{1}); err != nil {
			return err
		}
		if err := writeF32s(w, st.quant.lo); err != nil {
			return err
		}
		if err := writeF32s(w, st.quant.scale); err != nil {
			return err
		}
		_, err := w.Write(st.codes)
		return err
	}}
}

func graphSection(h *HNSW) section {
	size := 8 + 4 + int64(len(h.levels)) + 4*int64(len(h.links0))
	for _, u := range h.upper {
		size += 4 * int64(len(u))
	}
	return section{tagGraph, size, func(w io.Writer) error {
		var e enc
		e.u64(uint64(h.entry))
		e.u32(uint32(h.maxLevel))
		e.b = append(e.b, h.levels...)
		if _, err := w.Write(e.b); err != nil {
			return err
		}
		if err := writeU32s(w, h.links0); err != nil {
			return err
		}
		for _, u := range h.upper {
			if err := writeU32s(w, u); err != nil {
				return err
			}
		}
		return nil
	}}
}

func writeF32s(w io.Writer, v []float32) error {
	buf := make([]byte, 0, chunkBytes(len(v)))
	for len(v) > 0 {
		m := min(len(v), cap(buf)/4)
		buf = buf[:4*m]
		for i, x := range v[:m] {
			binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(x))
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		v = v[m:]
	}
	return nil
}

// chunkBytes is the size of the buffer that writes n 4-byte values: at most
// 64 KiB, and no more than they need, since an HNSW snapshot writes each
// node's upper-layer links (a few dozen values) with its own call.
func chunkBytes(n int) int { return min(4*n, 1<<16) }

func writeU32s(w io.Writer, v []uint32) error {
	buf := make([]byte, 0, chunkBytes(len(v)))
	for len(v) > 0 {
		m := min(len(v), cap(buf)/4)
		buf = buf[:4*m]
		for i, x := range v[:m] {
			binary.LittleEndian.PutUint32(buf[4*i:], x)
		}
		if _, err := w.Write(buf); err != nil {
			return err
		}
		v = v[m:]
	}
	return nil
}

// ReadSnapshot reads an index written by WriteSnapshot from r, which holds
// size bytes. Damage anywhere is reported as an error wrapping ErrCorrupt
// that names the section and offset; it never panics and never returns a
// partial index.
func ReadSnapshot(r io.Reader, size int64) (Index, error) {
	idx, _, err := readSnapshot(r, size, "")
	return idx, err
}

// snapReader reads sections, tracking the file offset.
type snapReader struct {
	r    io.Reader
	size int64
	off  int64
	name string
}

func (sr *snapReader) errorf(format string, a ...any) error {
	return fmt.Errorf("index: snapshot%s: %w: "+format, append([]any{sr.name, ErrCorrupt}, a...)...)
}

func (sr *snapReader) read(b []byte, what string) error {
	if int64(len(b)) > sr.size-sr.off {
		return sr.errorf("%s at offset %d: file truncated (%d bytes, need %d more)", what, sr.off, sr.size, int64(len(b))-(sr.size-sr.off))
	}
	if _, err := io.ReadFull(sr.r, b); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return sr.errorf("%s at offset %d: file truncated", what, sr.off)
		}
		return fmt.Errorf("index: snapshot%s: read %s at offset %d: %w", sr.name, what, sr.off, err)
	}
	sr.off += int64(len(b))
	return nil
}

// section reads the next section, which must carry tag, and checks its sum.
func (sr *snapReader) section(tag [4]byte) ([]byte, error) {
	start := sr.off
	var hdr [12]byte
	if err := sr.read(hdr[:], fmt.Sprintf("section %s header", tag)); err != nil {
		return nil, err
	}
	if [4]byte(hdr[:4]) != tag {
		return nil, sr.errorf("section at offset %d: tag %q, want %q", start, hdr[:4], tag[:])
	}
	n := binary.LittleEndian.Uint64(hdr[4:])
	if n > uint64(sr.size-sr.off) {
		return nil, sr.errorf("section %s at offset %d: length %d exceeds the %d bytes left in the file", tag, start, n, sr.size-sr.off)
	}
	payload := make([]byte, n+4)
	if err := sr.read(payload, fmt.Sprintf("section %s", tag)); err != nil {
		return nil, err
	}
	want := binary.LittleEndian.Uint32(payload[n:])
	got := crc32.Update(crc(hdr[:]), castagnoli, payload[:n])
	if got != want {
		return nil, sr.errorf("section %s at offset %d (%d bytes): checksum mismatch (stored %08x, computed %08x)", tag, start, n, want, got)
	}
	return payload[:n:n], nil
}

func readSnapshot(r io.Reader, size int64, name string) (Index, uint64, error) {
	if name != "" {
		name = fmt.Sprintf(" %q", name)
	}
	sr := &snapReader{r: r, size: size, name: name}
	hdr := make([]byte, snapHeader)
	if err := sr.read(hdr, "header"); err != nil {
		return nil, 0, err
	}
	if string(hdr[:8]) != snapMagic {
		return nil, 0, sr.errorf("bad magic %q (not a contrast index snapshot)", hdr[:8])
	}
	d := &dec{b: hdr[8:]}
	version := d.u32("")
	if sum := binary.LittleEndian.Uint32(hdr[40:]); sum != crc(hdr[:40]) {
		return nil, 0, sr.errorf("header checksum mismatch (stored %08x, computed %08x)", sum, crc(hdr[:40]))
	}
	if version < snapVersionV1 || version > snapVersion {
		return nil, 0, fmt.Errorf("index: snapshot%s: unsupported version %d (this build reads %d to %d)", name, version, snapVersionV1, snapVersion)
	}
	kind, metric, quant, flags := Kind(d.u8("")), Metric(d.u8("")), Quantization(d.u8("")), d.u8("")
	dim := int(d.u32(""))
	n64 := d.u64("")
	gen := d.u64("")
	nsec := int(d.u32(""))
	if kind != KindFlat && kind != KindHNSW {
		return nil, 0, sr.errorf("header: unknown index kind %d", kind)
	}
	cfg := Config{Dim: dim, Metric: metric, Quantization: quant}

	conf, err := sr.section(tagConf)
	if err != nil {
		return nil, 0, err
	}
	cd := &dec{b: conf}
	cfg.M = int(cd.u32("M"))
	cfg.EfConstruction = int(cd.u32("efConstruction"))
	cfg.Ef = int(cd.u32("ef"))
	cfg.Rerank = int(cd.u32("rerank"))
	cfg.Seed = cd.u64("seed")
	state := cd.raw(int(cd.u32("generator state length")), "generator state")
	cd.done("CONF")
	if cd.err != nil {
		return nil, 0, sr.errorf("section CONF: %v", cd.err)
	}
	cfg, err = cfg.withDefaults()
	if err != nil {
		return nil, 0, sr.errorf("section CONF: %v", err)
	}
	st := newStore(cfg)
	// Float32 vectors without rerank: only version 2's unfitted quantizer,
	// checked once QUNT is read.
	hasVecs := flags&1 != 0
	unfittedVecs := version >= snapVersion && quant != NoQuant && hasVecs && !st.keep
	if hasVecs != st.keep && !unfittedVecs {
		return nil, 0, sr.errorf("header: float32 flag %d disagrees with quantization %v, rerank %d (version %d)", flags&1, quant, cfg.Rerank, version)
	}
	want := 2
	if quant != NoQuant {
		want++
	}
	if hasVecs {
		want++
	}
	if kind == KindHNSW {
		want++
	}
	if nsec != want {
		return nil, 0, sr.errorf("header: %d sections, want %d", nsec, want)
	}
	// Every slot takes at least 7 bytes in ITEM, which bounds n by the file.
	if n64 > uint64(size)/7 {
		return nil, 0, sr.errorf("header: %d slots cannot fit in %d bytes", n64, size)
	}
	n := int(n64)

	items, err := sr.section(tagItem)
	if err != nil {
		return nil, 0, err
	}
	if err := decodeItems(items, n, st, kind); err != nil {
		return nil, 0, sr.errorf("section ITEM: %v", err)
	}
	if quant != NoQuant {
		b, err := sr.section(tagQuant)
		if err != nil {
			return nil, 0, err
		}
		// Items without a fitted quantizer are version 2's, stored as float32.
		if err := decodeQuant(b, n, st, version >= snapVersion && hasVecs); err != nil {
			return nil, 0, sr.errorf("section QUNT: %v", err)
		}
		if unfittedVecs && st.coded() {
			return nil, 0, sr.errorf("header: float32 vectors present with a fitted quantizer and rerank 0")
		}
	}
	if hasVecs {
		b, err := sr.section(tagVecs)
		if err != nil {
			return nil, 0, err
		}
		if uint64(len(b)) != 4*uint64(n)*uint64(dim) {
			return nil, 0, sr.errorf("section VECS: %d bytes, want %d slots x %d x 4", len(b), n, dim)
		}
		vd := &dec{b: b}
		st.vecs = vd.f32s(n*dim, "vectors")
		for i, v := range st.vecs {
			if !finite(v) {
				return nil, 0, sr.errorf("section VECS: slot %d component %d is %v", i/dim, i%dim, v)
			}
		}
	}
	st.computeNorms()
	var idx Index
	switch kind {
	case KindFlat:
		idx = &Flat{cfg: cfg, st: st}
	case KindHNSW:
		b, err := sr.section(tagGraph)
		if err != nil {
			return nil, 0, err
		}
		h := &HNSW{cfg: cfg, st: st}
		h.init()
		h.pcg = rand.NewPCG(cfg.Seed, 0x9e3779b97f4a7c15)
		if len(state) > 0 {
			if err := h.pcg.UnmarshalBinary(state); err != nil {
				return nil, 0, sr.errorf("section CONF: generator state: %v", err)
			}
		}
		h.rng = rand.New(h.pcg)
		if err := decodeGraph(b, n, h); err != nil {
			return nil, 0, sr.errorf("section GRPH: %v", err)
		}
		idx = h
	}
	if sr.off != size {
		return nil, 0, sr.errorf("%d unexpected bytes after the last section at offset %d", size-sr.off, sr.off)
	}
	return idx, gen, nil
}

func decodeItems(b []byte, n int, st *store, kind Kind) error {
	d := &dec{b: b}
	st.ids = make([]string, 0, n)
	st.meta = make([]json.RawMessage, 0, n)
	st.dead = make([]bool, 0, n)
	for i := 0; i < n && d.err == nil; i++ {
		dead := d.u8("dead flag")
		id := string(d.raw(int(d.u16("ID length")), "ID"))
		meta := d.raw(int(d.u32("meta length")), "meta")
		if d.err != nil {
			break
		}
		switch {
		case dead > 1:
			return fmt.Errorf("slot %d: dead flag %d", i, dead)
		case dead == 1 && kind == KindFlat:
			return fmt.Errorf("slot %d: a flat index has no tombstones", i)
		case id == "":
			return fmt.Errorf("slot %d: empty ID", i)
		case len(meta) > 0 && !json.Valid(meta):
			return fmt.Errorf("slot %d (%q): metadata is not valid JSON", i, id)
		}
		var m json.RawMessage
		if len(meta) > 0 {
			m = json.RawMessage(meta)
		}
		st.ids = append(st.ids, id)
		st.meta = append(st.meta, m)
		st.dead = append(st.dead, dead == 1)
		if dead == 0 {
			if j, dup := st.slots[id]; dup {
				return fmt.Errorf("slots %d and %d share the live ID %q", j, i, id)
			}
			st.slots[id] = uint32(i)
			st.live++
		}
	}
	d.done("items")
	return d.err
}

// decodeQuant reads QUNT; unfitted allows slots without a fitted quantizer
// (their float32 vectors are present).
func decodeQuant(b []byte, n int, st *store, unfitted bool) error {
	d := &dec{b: b}
	fitted := d.u8("fitted flag")
	switch {
	case d.err != nil:
		return d.err
	case fitted > 1:
		return fmt.Errorf("fitted flag %d", fitted)
	case fitted == 0:
		if n > 0 && !unfitted {
			return fmt.Errorf("%d slots but no fitted quantizer", n)
		}
		d.done("quantizer")
		return d.err
	}
	lo := d.f32s(st.dim, "lo")
	scale := d.f32s(st.dim, "scale")
	if d.err != nil {
		return d.err
	}
	q := newQuantizer(lo, scale)
	if err := q.validate(); err != nil {
		return err
	}
	st.quant = q
	if len(b)-d.off != n*st.dim {
		return fmt.Errorf("%d code bytes, want %d slots x %d", len(b)-d.off, n, st.dim)
	}
	st.codes = d.raw(n*st.dim, "codes")
	d.done("quantizer")
	return d.err
}

// computeNorms fills the squared norms that L2 distances use.
func (s *store) computeNorms() {
	if s.metric != L2 {
		return
	}
	n := s.n()
	if s.floats() {
		s.norms = make([]float32, n)
		for i := range s.norms {
			v := s.vecs[i*s.dim : (i+1)*s.dim]
			s.norms[i] = kernels.Dot(v, v)
		}
	}
	if s.coded() {
		s.qnorms = make([]float32, n)
		tmp := make([]float32, s.dim)
		for i := range s.qnorms {
			s.quant.decode(s.codes[i*s.dim:(i+1)*s.dim], tmp)
			s.qnorms[i] = kernels.Dot(tmp, tmp)
		}
	}
}

func decodeGraph(b []byte, n int, h *HNSW) error {
	d := &dec{b: b}
	entry := int64(d.u64("entry point"))
	maxLevel := int(d.u32("max level"))
	h.levels = append([]uint8(nil), d.raw(n, "levels")...)
	if d.err != nil {
		return d.err
	}
	stride := h.maxM0 + 1
	if (len(b)-d.off)/4/stride < n {
		return fmt.Errorf("layer-0 links: %d bytes left, need %d slots x %d x 4", len(b)-d.off, n, stride)
	}
	h.links0 = make([]uint32, n*stride)
	for i := range h.links0 {
		h.links0[i] = d.u32("layer-0 links")
	}
	h.upper = make([][]uint32, n)
	top := -1
	for i, lv := range h.levels {
		if int(lv) > maxLevelCap {
			return fmt.Errorf("slot %d: level %d exceeds %d", i, lv, maxLevelCap)
		}
		top = max(top, int(lv))
		if lv == 0 {
			continue
		}
		m := int(lv) * (h.maxM + 1)
		if (len(b)-d.off)/4 < m {
			return fmt.Errorf("slot %d: upper links: %d bytes left, need %d", i, len(b)-d.off, 4*m)
		}
		u := make([]uint32, m)
		for j := range u {
			u[j] = d.u32("upper links")
		}
		h.upper[i] = u
	}
	d.done("graph")
	if d.err != nil {
		return d.err
	}
	switch {
	case n == 0 && (entry != -1 || maxLevel != 0):
		return fmt.Errorf("empty graph with entry point %d, max level %d", entry, maxLevel)
	case n > 0 && (entry < 0 || entry >= int64(n)):
		return fmt.Errorf("entry point %d out of range [0, %d)", entry, n)
	case n > 0 && (int(h.levels[entry]) != maxLevel || maxLevel != top):
		return fmt.Errorf("entry point %d has level %d; max level %d, highest node level %d", entry, h.levels[entry], maxLevel, top)
	}
	h.entry, h.maxLevel = entry, maxLevel
	for i := 0; i < n; i++ {
		for l := 0; l <= int(h.levels[i]); l++ {
			list := h.links(uint32(i), l)
			if int(list[0]) > h.capacity(l) {
				return fmt.Errorf("slot %d level %d: %d links exceed capacity %d", i, l, list[0], h.capacity(l))
			}
			for _, v := range list[1 : 1+list[0]] {
				if int(v) >= n || v == uint32(i) || int(h.levels[v]) < l {
					return fmt.Errorf("slot %d level %d: bad link to %d", i, l, v)
				}
			}
		}
	}
	return nil
}
