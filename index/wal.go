package index

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"slices"
)

// Log format, version 2 (little-endian):
//
//	header (24 bytes): magic "CONTRLOG", version u32, generation u64,
//	    CRC-32C of the above u32
//	records, each: length u32, ^length u32 (guards the length), CRC-32C of
//	    the payload u32, payload
//	payload: op u8, then
//	  opUpsert     count u32, per item: ID (u16 length + bytes), vector
//	               (f32 x dim), meta (u32 length + bytes)
//	  opDelete     count u32, per ID: u16 length + bytes
//	  opFitUpsert  lo (f32 x dim), scale (f32 x dim), then the items as in
//	               opUpsert: the write that fits the quantizer (the first to
//	               bring the live count to MinQuantFit, 64 in builds
//	               before the seventh session), with the quantizer
//	               it fitted; replay installs it and applies the items under
//	               one lock hold, never refitting
//
// One write call (Upsert, Add, Delete) is one record, so it is replayed all or
// nothing: a torn fitting write leaves neither its quantizer nor its items.
// (A write too large for one record, see maxRecord, is split; the quantizer
// rides with its first part.) The generation ties the log to the snapshot it
// follows: a log of an older generation was already folded into the snapshot
// (a crash between writing the snapshot and resetting the log) and is
// discarded.
//
// Version 1 had no opFitUpsert. Builds before the lazy fit wrote it with
// opUpsert and opDelete only, and fitted the quantizer on a quantised index's
// first write (of minQuantFitV1 items at least); the builds of the lazy fit
// before version 2 logged the fitting write as two records, opQuant (lo, scale)
// then its opUpserts, while writes before it meant "do not fit", which a
// version-1 reader of the eager fit would misread. Hence version 2: a reader
// of version 1 refuses it ("unsupported version 2"). This build still replays
// version-1 logs (opQuant only there, installed with the upsert record that
// follows it, and dropped when a crash cut that record), then compacts them
// away, so that it never appends to a version-1 log (see DB.openLog).
const (
	logMagic     = "CONTRLOG"
	logVersion   = 2
	logVersion1  = 1
	logHeader    = 24
	recordHeader = 12
	// maxRecord bounds one record; larger write calls are split.
	maxRecord = 1 << 30
)

const (
	opUpsert uint8 = 1
	opDelete uint8 = 2
	opQuant  uint8 = 3 // version 1 only
	// opFitUpsert is an opUpsert with the quantizer its write fitted.
	opFitUpsert uint8 = 4 // version 2 on
)

func logHeaderBytes(gen uint64) []byte { return logHeaderVersion(gen, logVersion) }

// logHeaderVersion is the header of a log of the given format version; only
// tests write version 1.
func logHeaderVersion(gen uint64, version uint32) []byte {
	var e enc
	e.b = append(e.b, logMagic...)
	e.u32(version)
	e.u64(gen)
	e.u32(crc(e.b))
	return e.b
}

// parseLogHeader checks a log header and returns its generation and format
// version (1 or 2).
func parseLogHeader(b []byte, name string) (gen uint64, version uint32, err error) {
	if len(b) < logHeader {
		return 0, 0, fmt.Errorf("index: log %q: %w: header truncated (%d of %d bytes)", name, ErrCorrupt, len(b), logHeader)
	}
	if string(b[:8]) != logMagic {
		return 0, 0, fmt.Errorf("index: log %q: %w: bad magic %q", name, ErrCorrupt, b[:8])
	}
	if sum := binary.LittleEndian.Uint32(b[20:]); sum != crc(b[:20]) {
		return 0, 0, fmt.Errorf("index: log %q: %w: header checksum mismatch (stored %08x, computed %08x)", name, ErrCorrupt, sum, crc(b[:20]))
	}
	if v := binary.LittleEndian.Uint32(b[8:]); v != logVersion && v != logVersion1 {
		return 0, 0, fmt.Errorf("index: log %q: unsupported version %d (this build reads %d and %d)", name, v, logVersion1, logVersion)
	}
	return binary.LittleEndian.Uint64(b[12:]), binary.LittleEndian.Uint32(b[8:]), nil
}

// appendRecord frames payload as a record.
func appendRecord(dst, payload []byte) []byte {
	var h [recordHeader]byte
	n := uint32(len(payload))
	binary.LittleEndian.PutUint32(h[0:], n)
	binary.LittleEndian.PutUint32(h[4:], ^n)
	binary.LittleEndian.PutUint32(h[8:], crc(payload))
	return append(append(dst, h[:]...), payload...)
}

// upsertRecords encodes items as one or more records (split at maxRecord).
// With a quantizer q (the one the write fits), the first record is an
// opFitUpsert carrying it.
func upsertRecords(dst []byte, items []Item, q *quantizer) []byte {
	for len(items) > 0 {
		var e enc
		if q != nil {
			e.u8(opFitUpsert)
			e.f32s(q.lo)
			e.f32s(q.scale)
			q = nil
		} else {
			e.u8(opUpsert)
		}
		countAt := len(e.b)
		e.u32(0)
		count := 0
		for count < len(items) {
			it := &items[count]
			size := 2 + len(it.ID) + 4*len(it.Vector) + 4 + len(it.Meta)
			if count > 0 && len(e.b)+size > maxRecord {
				break
			}
			e.u16(uint16(len(it.ID)))
			e.b = append(e.b, it.ID...)
			e.f32s(it.Vector)
			e.bytes32(it.Meta)
			count++
		}
		binary.LittleEndian.PutUint32(e.b[countAt:], uint32(count))
		dst = appendRecord(dst, e.b)
		items = items[count:]
	}
	return dst
}

func deleteRecord(dst []byte, ids []string) []byte {
	var e enc
	e.u8(opDelete)
	e.u32(uint32(len(ids)))
	for _, id := range ids {
		e.u16(uint16(len(id)))
		e.b = append(e.b, id...)
	}
	return appendRecord(dst, e.b)
}

// logRecord is one decoded record.
type logRecord struct {
	op    uint8
	items []Item
	ids   []string
	quant *quantizer // opFitUpsert, opQuant
}

// decodeRecord decodes the payload of a record of a log of the given
// format version.
func decodeRecord(b []byte, dim int, version uint32) (*logRecord, error) {
	d := &dec{b: b}
	rec := &logRecord{op: d.u8("op")}
	if rec.op == opFitUpsert && version < logVersion || rec.op == opQuant && version != logVersion1 {
		return nil, fmt.Errorf("op %d in a version-%d log", rec.op, version)
	}
	switch rec.op {
	case opQuant, opFitUpsert:
		lo := d.f32s(dim, "lo")
		scale := d.f32s(dim, "scale")
		if d.err == nil {
			rec.quant = newQuantizer(lo, scale)
			if err := rec.quant.validate(); err != nil {
				return nil, err
			}
		}
	}
	switch rec.op {
	case opUpsert, opFitUpsert:
		count := int(d.u32("count"))
		// Each item takes at least 2+4*dim+4 bytes, which bounds count.
		if count > len(b)/(6+4*dim) {
			return nil, fmt.Errorf("%d items cannot fit in %d bytes", count, len(b))
		}
		rec.items = make([]Item, count)
		for i := range rec.items {
			it := &rec.items[i]
			it.ID = string(d.raw(int(d.u16("ID length")), "ID"))
			it.Vector = d.f32s(dim, "vector")
			if m := d.raw(int(d.u32("meta length")), "meta"); len(m) > 0 {
				it.Meta = json.RawMessage(slices.Clone(m))
			}
		}
		if d.err == nil {
			if err := validateLogged(rec.items, dim); err != nil {
				return nil, err
			}
		}
	case opDelete:
		count := int(d.u32("count"))
		if count > len(b)/2 {
			return nil, fmt.Errorf("%d IDs cannot fit in %d bytes", count, len(b))
		}
		rec.ids = make([]string, count)
		for i := range rec.ids {
			rec.ids[i] = string(d.raw(int(d.u16("ID length")), "ID"))
		}
	case opQuant:
	default:
		if d.err == nil {
			return nil, fmt.Errorf("unknown op %d", rec.op)
		}
	}
	d.done("record")
	if d.err != nil {
		return nil, d.err
	}
	return rec, nil
}

// logScan is the outcome of reading a log.
type logScan struct {
	records int   // records applied
	end     int64 // offset after the last good record
	torn    int64 // bytes of a torn final record cut at end (0: none)
}

// scanLog reads the records of a log of size bytes (header included) and
// format version from r, positioned after the header, and hands each to
// apply. A final record that
// is incomplete, zero-filled or fails its checksum while nothing follows it
// is a torn append (a crash before the write was acknowledged): scanning
// stops before it and reports it. Any other damage is an error naming the
// record and its offset.
func scanLog(r io.Reader, size int64, name string, dim int, version uint32, apply func(*logRecord) error) (logScan, error) {
	res := logScan{end: logHeader}
	off := int64(logHeader)
	corrupt := func(format string, a ...any) error {
		return fmt.Errorf("index: log %q: %w: record %d at offset %d: %s", name, ErrCorrupt, res.records+1, off, fmt.Sprintf(format, a...))
	}
	readErr := func(err error) error {
		return fmt.Errorf("index: log %q: read at offset %d: %w", name, off, err)
	}
	var hdr [recordHeader]byte
	var payload []byte
	for off < size {
		rem := size - off
		if rem < recordHeader {
			res.torn = rem
			return res, nil
		}
		if _, err := io.ReadFull(r, hdr[:]); err != nil {
			return res, readErr(err)
		}
		n := binary.LittleEndian.Uint32(hdr[0:])
		if n != ^binary.LittleEndian.Uint32(hdr[4:]) {
			// A zero-filled tail (space allocated, data never written) is
			// torn; anything else is damage.
			rest, err := io.ReadAll(io.LimitReader(r, rem-recordHeader))
			if err != nil {
				return res, readErr(err)
			}
			if allZero(hdr[:]) && allZero(rest) {
				res.torn = rem
				return res, nil
			}
			return res, corrupt("bad length field (%08x, check %08x)", n, binary.LittleEndian.Uint32(hdr[4:]))
		}
		if int64(n) > rem-recordHeader {
			res.torn = rem
			return res, nil
		}
		if n > maxRecord {
			return res, corrupt("length %d exceeds %d", n, maxRecord)
		}
		if cap(payload) < int(n) {
			payload = make([]byte, n)
		}
		payload = payload[:n]
		if _, err := io.ReadFull(r, payload); err != nil {
			return res, readErr(err)
		}
		if sum := crc(payload); sum != binary.LittleEndian.Uint32(hdr[8:]) {
			if off+recordHeader+int64(n) == size {
				res.torn = rem
				return res, nil
			}
			return res, corrupt("checksum mismatch (stored %08x, computed %08x) with %d bytes following", binary.LittleEndian.Uint32(hdr[8:]), sum, size-off-recordHeader-int64(n))
		}
		rec, err := decodeRecord(payload, dim, version)
		if err != nil {
			return res, corrupt("%v", err)
		}
		if err := apply(rec); err != nil {
			return res, corrupt("replay: %v", err)
		}
		res.records++
		off += recordHeader + int64(n)
		res.end = off
	}
	return res, nil
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }
