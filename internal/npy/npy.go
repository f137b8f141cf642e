// Package npy reads and writes 2-D float32 arrays in NumPy's .npy format
// (format versions 1.0, 2.0 and 3.0, see numpy.lib.format), the interchange
// format of `contrast index bench --base B.npy --queries Q.npy`.
//
// # Reading
//
// Read accepts little- and big-endian float32 ('<f4', '>f4') and float64
// ('<f8', '>f8', converted to float32), C or Fortran order (Fortran-order data is
// transposed to row-major), and exactly two dimensions. Every header field is
// validated; a malformed or truncated file returns an error naming the problem,
// never a panic, and data is read in bounded chunks so that a header claiming a
// huge shape cannot make Read allocate more than the file holds.
//
// # Writing
//
// Write produces a version 1.0 file ('<f4', C order) whose header is padded to a
// multiple of 64 bytes, as numpy.save does, so that numpy.load reads it back.
package npy

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

const magic = "\x93NUMPY"

// maxHeader bounds the header dictionary; NumPy itself refuses headers over 10 kB
// by default.
const maxHeader = 1 << 20

// Read decodes a 2-D array from r and returns its data in row-major order,
// (rows, cols).
func Read(r io.Reader) (data []float32, rows, cols int, err error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, 0, 0, fmt.Errorf("npy: read preamble: %w", noEOF(err))
	}
	if string(pre[:6]) != magic {
		return nil, 0, 0, fmt.Errorf("npy: bad magic %q (not a .npy file)", pre[:6])
	}
	major, minor := pre[6], pre[7]
	var hlen int
	switch major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, 0, 0, fmt.Errorf("npy: read header length: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, 0, 0, fmt.Errorf("npy: read header length: %w", noEOF(err))
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, 0, 0, fmt.Errorf("npy: unsupported format version %d.%d", major, minor)
	}
	if hlen > maxHeader {
		return nil, 0, 0, fmt.Errorf("npy: header length %d exceeds %d", hlen, maxHeader)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, 0, 0, fmt.Errorf("npy: read header (%d bytes): %w", hlen, noEOF(err))
	}
	h, err := parseHeader(string(hb))
	if err != nil {
		return nil, 0, 0, err
	}
	if len(h.shape) != 2 {
		return nil, 0, 0, fmt.Errorf("npy: want a 2-D array, got shape %v", h.shape)
	}
	rows, cols = h.shape[0], h.shape[1]
	if cols != 0 && rows > math.MaxInt32*64/cols {
		return nil, 0, 0, fmt.Errorf("npy: shape (%d, %d) too large", rows, cols)
	}
	n := rows * cols
	data, err = readData(r, n, h)
	if err != nil {
		return nil, 0, 0, err
	}
	if h.fortran && n > 0 {
		t := make([]float32, n)
		for j := 0; j < cols; j++ {
			for i := 0; i < rows; i++ {
				t[i*cols+j] = data[j*rows+i]
			}
		}
		data = t
	}
	return data, rows, cols, nil
}

// readData reads n elements in chunks of at most 1 MiB, so that memory grows
// only with data actually present.
func readData(r io.Reader, n int, h header) ([]float32, error) {
	size := 4
	if h.f64 {
		size = 8
	}
	const chunk = 1 << 20
	buf := make([]byte, min(n*size, chunk))
	data := make([]float32, 0, min(n, chunk/4))
	for len(data) < n {
		m := min(n-len(data), chunk/size)
		b := buf[:m*size]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("npy: read data: %d of %d elements present: %w", len(data), n, noEOF(err))
		}
		var order binary.ByteOrder = binary.LittleEndian
		if h.bigEndian {
			order = binary.BigEndian
		}
		for i := 0; i < m; i++ {
			if h.f64 {
				data = append(data, float32(math.Float64frombits(order.Uint64(b[8*i:]))))
			} else {
				data = append(data, math.Float32frombits(order.Uint32(b[4*i:])))
			}
		}
	}
	return data, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

type header struct {
	f64, bigEndian, fortran bool
	shape                   []int
}

// parseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseHeader(s string) (header, error) {
	var h header
	p := &parser{s: strings.TrimRight(s, " \n\x00")}
	if !p.eat('{') {
		return h, fmt.Errorf("npy: header %q: want a dict", clip(s))
	}
	seen := map[string]bool{}
	for {
		if p.eat('}') {
			break
		}
		key, ok := p.str()
		if !ok || !p.eat(':') {
			return h, fmt.Errorf("npy: header %q: malformed at byte %d", clip(s), p.i)
		}
		if seen[key] {
			return h, fmt.Errorf("npy: header: duplicate key %q", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			d, ok := p.str()
			if !ok {
				return h, fmt.Errorf("npy: header: descr is not a string")
			}
			switch d {
			case "<f4":
			case ">f4":
				h.bigEndian = true
			case "<f8":
				h.f64 = true
			case ">f8":
				h.f64, h.bigEndian = true, true
			default:
				return h, fmt.Errorf("npy: unsupported dtype %q (want float32 or float64)", d)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.fortran = true
			case p.word("False"):
			default:
				return h, fmt.Errorf("npy: header: fortran_order is not True or False")
			}
		case "shape":
			shape, ok := p.tuple()
			if !ok {
				return h, fmt.Errorf("npy: header %q: malformed shape", clip(s))
			}
			h.shape = shape
		default:
			return h, fmt.Errorf("npy: header: unexpected key %q", key)
		}
		if !p.eat(',') {
			if !p.eat('}') {
				return h, fmt.Errorf("npy: header %q: malformed at byte %d", clip(s), p.i)
			}
			break
		}
	}
	if p.skip(); p.i != len(p.s) {
		return h, fmt.Errorf("npy: header: trailing bytes after dict")
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("npy: header: missing key %q", k)
		}
	}
	return h, nil
}

func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}

type parser struct {
	s string
	i int
}

func (p *parser) skip() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t' || p.s[p.i] == '\n') {
		p.i++
	}
}

func (p *parser) eat(c byte) bool {
	p.skip()
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *parser) word(w string) bool {
	p.skip()
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

// str parses a quoted string without escapes ('x' or "x").
func (p *parser) str() (string, bool) {
	p.skip()
	if p.i >= len(p.s) || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", false
	}
	q := p.s[p.i]
	end := strings.IndexByte(p.s[p.i+1:], q)
	if end < 0 {
		return "", false
	}
	v := p.s[p.i+1 : p.i+1+end]
	p.i += end + 2
	return v, true
}

// tuple parses (a, b, ...) of non-negative integers, with Python's optional
// trailing comma; () is a 0-d shape.
func (p *parser) tuple() ([]int, bool) {
	if !p.eat('(') {
		return nil, false
	}
	var out []int
	for {
		if p.eat(')') {
			return out, true
		}
		p.skip()
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i || len(out) >= 32 {
			return nil, false
		}
		v, err := strconv.Atoi(p.s[p.i:j])
		if err != nil || v > math.MaxInt32 {
			return nil, false
		}
		p.i = j
		p.word("L") // Python 2 long suffix
		out = append(out, v)
		if !p.eat(',') {
			if !p.eat(')') {
				return nil, false
			}
			return out, true
		}
	}
}

// Write encodes data, (rows, cols) in row-major order, as a version 1.0 .npy
// array of little-endian float32. It panics if len(data) != rows*cols.
func Write(w io.Writer, data []float32, rows, cols int) error {
	if rows < 0 || cols < 0 || len(data) != rows*cols {
		panic(fmt.Sprintf("npy: Write data length %d does not match shape (%d, %d)", len(data), rows, cols))
	}
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	// preamble (10 bytes) + dict + padding + '\n' is a multiple of 64.
	total := (10 + len(dict) + 1 + 63) / 64 * 64
	hdr := make([]byte, 0, total)
	hdr = append(hdr, magic...)
	hdr = append(hdr, 1, 0)
	hdr = binary.LittleEndian.AppendUint16(hdr, uint16(total-10))
	hdr = append(hdr, dict...)
	for len(hdr) < total-1 {
		hdr = append(hdr, ' ')
	}
	hdr = append(hdr, '\n')
	bw := bufio.NewWriterSize(w, 1<<16)
	if _, err := bw.Write(hdr); err != nil {
		return fmt.Errorf("npy: write header: %w", err)
	}
	var b [4]byte
	for _, v := range data {
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(v))
		if _, err := bw.Write(b[:]); err != nil {
			return fmt.Errorf("npy: write data: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("npy: write data: %w", err)
	}
	return nil
}

// ReadFile reads a 2-D array from the .npy file at path.
func ReadFile(path string) (data []float32, rows, cols int, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("npy: read %q: %w", path, err)
	}
	defer f.Close()
	data, rows, cols, err = Read(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, 0, 0, fmt.Errorf("npy: read %q: %w", path, err)
	}
	return data, rows, cols, nil
}

// WriteFile writes data, (rows, cols), to a .npy file at path.
func WriteFile(path string, data []float32, rows, cols int) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("npy: write %q: %w", path, err)
	}
	if err := Write(f, data, rows, cols); err != nil {
		f.Close()
		return fmt.Errorf("npy: write %q: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("npy: write %q: %w", path, err)
	}
	return nil
}
