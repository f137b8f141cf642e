package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"sync"
)

// IDX magic numbers (LeCun et al. 1998, "THE MNIST DATABASE"): two zero bytes,
// a type byte (0x08 = unsigned byte) and the number of dimensions.
const (
	idxImages = 0x00000803 // uint8, 3 dims (N, H, W)
	idxLabels = 0x00000801 // uint8, 1 dim (N)
)

// maxIDXBytes bounds the payload an IDX header may announce (16 GiB).
const maxIDXBytes = 16 << 30

// DecodeIDX reads one IDX stream of unsigned bytes (magic 0x00000801 for labels,
// (N), or 0x00000803 for images, (N, H, W)), gzip-compressed or raw: gzip is
// recognised by its magic bytes, not the name. It returns the dimensions and
// the payload in row-major order. name is used in errors, which are
// *ParseError values carrying the byte offset in the decompressed stream.
func DecodeIDX(r io.Reader, name string) (dims []int, payload []uint8, err error) {
	size := int64(-1)
	if l, ok := r.(interface{ Len() int }); ok { // bytes.Reader, strings.Reader, bytes.Buffer
		size = int64(l.Len())
	}
	return decodeIDX(r, name, size, -1)
}

// decodeIDX is DecodeIDX with size hints: rawSize is the length of r when
// known, gzSize the decompressed length when r is gzip and it is known (else
// -1). A payload the hint shows to be present is read into one exact
// allocation; otherwise the buffer grows with the data actually read, so that a
// header that lies about the size cannot make us allocate it up front.
func decodeIDX(r io.Reader, name string, rawSize, gzSize int64) ([]int, []uint8, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, byteErr(name, 0, "gzip: %w", err)
		}
		defer zr.Close()
		return decodeIDXRaw(zr, name, gzSize)
	}
	return decodeIDXRaw(br, name, rawSize)
}

func decodeIDXRaw(r io.Reader, name string, size int64) ([]int, []uint8, error) {
	var hdr [4]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, nil, byteErr(name, int64(n), "truncated IDX header: %v", eofAsUnexpected(err))
	}
	magic := binary.BigEndian.Uint32(hdr[:])
	if magic != idxImages && magic != idxLabels {
		return nil, nil, byteErr(name, 0, "IDX magic 0x%08x, want 0x%08x (labels) or 0x%08x (images)", magic, idxLabels, idxImages)
	}
	nd := int(hdr[3])
	dims := make([]int, nd)
	total := int64(1)
	for d := range dims {
		off := int64(4 + 4*d)
		if n, err := io.ReadFull(r, hdr[:]); err != nil {
			return nil, nil, byteErr(name, off+int64(n), "truncated IDX header (dimension %d of %d): %v", d, nd, eofAsUnexpected(err))
		}
		v := binary.BigEndian.Uint32(hdr[:])
		dims[d] = int(v)
		if v != 0 && total > maxIDXBytes/int64(v) {
			total = maxIDXBytes + 1
		} else {
			total *= int64(v)
		}
		if total > maxIDXBytes {
			return nil, nil, byteErr(name, off, "IDX dimensions %v announce more than %d bytes", dims[:d+1], int64(maxIDXBytes))
		}
	}
	start := int64(4 + 4*nd)
	var payload []byte
	var err error
	if size-start >= total {
		payload = make([]byte, total)
		var n int
		n, err = io.ReadFull(r, payload)
		payload = payload[:n]
		if err == io.ErrUnexpectedEOF || err == io.EOF {
			err = nil // reported as truncated below
		}
	} else {
		payload, err = io.ReadAll(io.LimitReader(r, total))
	}
	if err != nil {
		return nil, nil, byteErr(name, start+int64(len(payload)), "read: %w", err)
	}
	if int64(len(payload)) < total {
		return nil, nil, byteErr(name, start+int64(len(payload)), "truncated IDX data: dimensions %v need %d bytes, got %d", dims, total, len(payload))
	}
	var one [1]byte
	if n, _ := io.ReadFull(r, one[:]); n > 0 {
		return nil, nil, byteErr(name, start+total, "trailing bytes after IDX data of dimensions %v", dims)
	}
	return dims, payload, nil
}

func eofAsUnexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// decodeIDXFile opens path and decodes it, taking the size hints from the
// file size and, for gzip, from the ISIZE trailer (the decompressed length
// modulo 2^32, RFC 1952), capped at 1 GiB.
func decodeIDXFile(path string) ([]int, []uint8, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	rawSize, gzSize := int64(-1), int64(-1)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		rawSize = st.Size()
		var tail [4]byte
		if rawSize >= 18 {
			if _, err := f.ReadAt(tail[:], rawSize-4); err == nil {
				gzSize = min(int64(binary.LittleEndian.Uint32(tail[:])), 1<<30)
			}
		}
	}
	return decodeIDX(f, path, rawSize, gzSize)
}

// ReadIDX reads an image file (N, H, W) and its label file (N) and returns
// them as one-channel Images. Labels become class indices as they are; the
// class names are the decimal labels "0".."max".
func ReadIDX(imagesPath, labelsPath string) (*Images, error) {
	im, err := readIDXPair(imagesPath, labelsPath)
	if err != nil {
		return nil, err
	}
	im.ClassNames = digitNames(maxLabel(im.Labels) + 1)
	return im, nil
}

// readIDXPair decodes the two files and leaves ClassNames empty.
func readIDXPair(imagesPath, labelsPath string) (*Images, error) {
	idims, pix, err := decodeIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	if len(idims) != 3 {
		return nil, byteErr(imagesPath, 0, "IDX image file has %d dimensions %v, want 3 (N, H, W)", len(idims), idims)
	}
	ldims, lab, err := decodeIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(ldims) != 1 {
		return nil, byteErr(labelsPath, 0, "IDX label file has %d dimensions %v, want 1 (N)", len(ldims), ldims)
	}
	if ldims[0] != idims[0] {
		return nil, fmt.Errorf("data: %s has %d images but %s has %d labels", imagesPath, idims[0], labelsPath, ldims[0])
	}
	if idims[1] < 1 || idims[2] < 1 {
		return nil, byteErr(imagesPath, 8, "IDX image size %dx%d is empty", idims[1], idims[2])
	}
	labels := make([]int, len(lab))
	for i, l := range lab {
		labels[i] = int(l)
	}
	return &Images{N: idims[0], C: 1, H: idims[1], W: idims[2], Pix: pix, Labels: labels}, nil
}

// ReadIDXDir reads the IDX image/label pairs of dir: split "train" from
// train-images-idx3-ubyte and train-labels-idx1-ubyte, split "test" from
// t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each name optionally with
// ".gz" (and "images.idx3" with a dot, as some copies spell it). At least one
// pair must be present; both splits share the class names "0".."max label".
func ReadIDXDir(dir string) (*Set, error) {
	set := &Set{Spec: Spec{Kind: KindIDX, Path: dir}}
	type pair struct{ split, images, labels string }
	var pairs []pair
	for _, sp := range []struct{ prefix, split string }{{"train", "train"}, {"t10k", "test"}} {
		ip := findIDXFile(dir, sp.prefix, "images", "idx3")
		lp := findIDXFile(dir, sp.prefix, "labels", "idx1")
		if ip == "" && lp == "" {
			continue
		}
		if ip == "" || lp == "" {
			missing := sp.prefix + "-images-idx3-ubyte[.gz]"
			if lp == "" {
				missing = sp.prefix + "-labels-idx1-ubyte[.gz]"
			}
			return nil, fmt.Errorf("data: idx: %s: found one file of the %s pair but not %s", dir, sp.prefix, missing)
		}
		pairs = append(pairs, pair{sp.split, ip, lp})
	}
	if len(pairs) == 0 {
		if _, err := os.Stat(dir); err != nil {
			return nil, fmt.Errorf("data: idx: %w", err)
		}
		return nil, fmt.Errorf("data: idx: %s holds no train-images-idx3-ubyte[.gz]/train-labels-idx1-ubyte[.gz] or t10k-... pair", dir)
	}
	// Decompress the splits concurrently: gzip decoding is sequential.
	ims := make([]*Images, len(pairs))
	errs := make([]error, len(pairs))
	var wg sync.WaitGroup
	for i, p := range pairs {
		wg.Go(func() { ims[i], errs[i] = readIDXPair(p.images, p.labels) })
	}
	wg.Wait()
	for i, p := range pairs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		set.Splits = append(set.Splits, Split{Name: p.split, Images: ims[i]})
	}
	k := 0
	for _, s := range set.Splits {
		k = max(k, maxLabel(s.Images.Labels)+1)
	}
	for _, s := range set.Splits {
		s.Images.ClassNames = digitNames(k)
	}
	return set, nil
}

func findIDXFile(dir, prefix, what, idx string) string {
	for _, sep := range []string{"-", "."} {
		for _, ext := range []string{"", ".gz"} {
			p := filepath.Join(dir, prefix+"-"+what+sep+idx+"-ubyte"+ext)
			if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
				return p
			}
		}
	}
	return ""
}

func maxLabel(labels []int) int {
	m := -1
	for _, l := range labels {
		m = max(m, l)
	}
	return m
}

func digitNames(k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}
