package index

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"math"
)

// castagnoli is the CRC-32C table used by every checksum on disk.
var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func crc(b []byte) uint32 { return crc32.Checksum(b, castagnoli) }

// enc appends little-endian values to a buffer.
type enc struct{ b []byte }

func (e *enc) u8(v uint8)   { e.b = append(e.b, v) }
func (e *enc) u16(v uint16) { e.b = binary.LittleEndian.AppendUint16(e.b, v) }
func (e *enc) u32(v uint32) { e.b = binary.LittleEndian.AppendUint32(e.b, v) }
func (e *enc) u64(v uint64) { e.b = binary.LittleEndian.AppendUint64(e.b, v) }
func (e *enc) f32(v float32) {
	e.b = binary.LittleEndian.AppendUint32(e.b, math.Float32bits(v))
}
func (e *enc) f32s(v []float32) {
	for _, x := range v {
		e.f32(x)
	}
}
func (e *enc) bytes32(v []byte) { e.u32(uint32(len(v))); e.b = append(e.b, v...) }

// dec reads little-endian values from a buffer. The first failure is kept in
// err (with the offset) and every later read returns zero, so decoders check
// once at the end and never index out of range.
type dec struct {
	b   []byte
	off int
	err error
}

func (d *dec) need(n int, what string) bool {
	if d.err != nil {
		return false
	}
	if n < 0 || len(d.b)-d.off < n {
		d.err = fmt.Errorf("%s at byte %d: need %d bytes, %d left", what, d.off, n, len(d.b)-d.off)
		return false
	}
	return true
}

func (d *dec) u8(what string) uint8 {
	if !d.need(1, what) {
		return 0
	}
	d.off++
	return d.b[d.off-1]
}

func (d *dec) u16(what string) uint16 {
	if !d.need(2, what) {
		return 0
	}
	d.off += 2
	return binary.LittleEndian.Uint16(d.b[d.off-2:])
}

func (d *dec) u32(what string) uint32 {
	if !d.need(4, what) {
		return 0
	}
	d.off += 4
	return binary.LittleEndian.Uint32(d.b[d.off-4:])
}

func (d *dec) u64(what string) uint64 {
	if !d.need(8, what) {
		return 0
	}
	d.off += 8
	return binary.LittleEndian.Uint64(d.b[d.off-8:])
}

func (d *dec) raw(n int, what string) []byte {
	if !d.need(n, what) {
		return nil
	}
	d.off += n
	return d.b[d.off-n : d.off : d.off]
}

// f32s decodes n float32 values.
func (d *dec) f32s(n int, what string) []float32 {
	if n < 0 || n > (len(d.b)-d.off)/4 {
		d.need(4*n, what)
		return nil
	}
	b := d.raw(4*n, what)
	if b == nil {
		return nil
	}
	out := make([]float32, n)
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return out
}

// done reports trailing bytes as an error.
func (d *dec) done(what string) {
	if d.err == nil && d.off != len(d.b) {
		d.err = fmt.Errorf("%s: %d unexpected trailing bytes at byte %d", what, len(d.b)-d.off, d.off)
	}
}

// crcWriter counts and checksums what passes through it to a buffered writer.
type crcWriter struct {
	w   *bufio.Writer
	h   hash.Hash32
	n   int64
	err error
}

func newCRCWriter(w *bufio.Writer) *crcWriter {
	return &crcWriter{w: w, h: crc32.New(castagnoli)}
}

func (c *crcWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	c.h.Write(p)
	n, err := c.w.Write(p)
	c.n += int64(n)
	c.err = err
	return n, err
}

var _ io.Writer = (*crcWriter)(nil)
