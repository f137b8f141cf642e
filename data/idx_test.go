package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// encodeIDX writes an IDX uint8 stream by hand (the oracle for the decoder).
func encodeIDX(magic uint32, dims []uint32, payload []byte, gz bool) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(payload)
	if !gz {
		return b.Bytes()
	}
	var z bytes.Buffer
	w := gzip.NewWriter(&z)
	w.Write(b.Bytes())
	w.Close()
	return z.Bytes()
}

func TestDecodeIDXRoundTrip(t *testing.T) {
	pix := make([]byte, 3*2*4)
	for i := range pix {
		pix[i] = byte(7*i + 1)
	}
	for _, gz := range []bool{false, true} {
		t.Run(map[bool]string{false: "raw", true: "gzip"}[gz], func(t *testing.T) {
			dims, got, err := DecodeIDX(bytes.NewReader(encodeIDX(0x803, []uint32{3, 2, 4}, pix, gz)), "x")
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(dims, []int{3, 2, 4}) || !bytes.Equal(got, pix) {
				t.Fatalf("got dims %v payload %v, want [3 2 4] %v", dims, got, pix)
			}
			dims, got, err = DecodeIDX(bytes.NewReader(encodeIDX(0x801, []uint32{5}, []byte{9, 8, 7, 6, 5}, gz)), "y")
			if err != nil || !slices.Equal(dims, []int{5}) || !bytes.Equal(got, []byte{9, 8, 7, 6, 5}) {
				t.Fatalf("labels: %v %v %v", dims, got, err)
			}
		})
	}
}

func TestDecodeIDXErrors(t *testing.T) {
	good := encodeIDX(0x803, []uint32{2, 2, 2}, make([]byte, 8), false)
	cases := []struct {
		name   string
		in     []byte
		offset int64
		msg    string
	}{
		{"empty", nil, 0, "truncated IDX header"},
		{"short magic", []byte{0, 0, 8}, 3, "truncated IDX header"},
		{"bad magic", []byte{0, 0, 0x0d, 3, 0, 0, 0, 1}, 0, "IDX magic 0x00000d03"},
		{"float type", encodeIDX(0x80d01, nil, nil, false), 0, "IDX magic"},
		{"truncated dims", good[:10], 10, "dimension 1 of 3"},
		{"truncated data", good[:len(good)-3], 16 + 5, "need 8 bytes, got 5"},
		{"trailing", append(slices.Clone(good), 1), 16 + 8, "trailing bytes"},
		{"huge", encodeIDX(0x803, []uint32{1 << 31, 1 << 31, 4}, nil, false), 8, "announce more than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := DecodeIDX(bytes.NewReader(c.in), "f.idx")
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a *ParseError", err)
			}
			if pe.File != "f.idx" || pe.Line != 0 || pe.Offset != c.offset || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %q (offset %d), want offset %d and %q", err, pe.Offset, c.offset, c.msg)
			}
		})
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReadIDXDir(t *testing.T) {
	dir := t.TempDir()
	pix := []byte{0, 255, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10} // 3 images of 2x2
	writeFile(t, filepath.Join(dir, "train-images-idx3-ubyte.gz"), encodeIDX(0x803, []uint32{3, 2, 2}, pix, true))
	writeFile(t, filepath.Join(dir, "train-labels-idx1-ubyte.gz"), encodeIDX(0x801, []uint32{3}, []byte{2, 0, 1}, true))
	writeFile(t, filepath.Join(dir, "t10k-images.idx3-ubyte"), encodeIDX(0x803, []uint32{1, 2, 2}, pix[:4], false))
	writeFile(t, filepath.Join(dir, "t10k-labels.idx1-ubyte"), encodeIDX(0x801, []uint32{1}, []byte{4}, false))
	set, err := ReadIDXDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := set.Images("train")
	if err != nil {
		t.Fatal(err)
	}
	te, err := set.Images("test")
	if err != nil {
		t.Fatal(err)
	}
	if tr.N != 3 || tr.C != 1 || tr.H != 2 || tr.W != 2 || !bytes.Equal(tr.Pix, pix) || !slices.Equal(tr.Labels, []int{2, 0, 1}) {
		t.Fatalf("train = %+v", tr)
	}
	// Class names cover the largest label of either split.
	if want := []string{"0", "1", "2", "3", "4"}; !slices.Equal(tr.ClassNames, want) || !slices.Equal(te.ClassNames, want) {
		t.Fatalf("class names %v / %v, want %v", tr.ClassNames, te.ClassNames, want)
	}
	if err := tr.Validate(); err != nil {
		t.Fatal(err)
	}
	dst := make([]float32, 4)
	tr.Example(0, dst)
	if !slices.Equal(dst, []float32{0, 1, 1.0 / 255, 2.0 / 255}) {
		t.Fatalf("Example(0) = %v", dst)
	}

	t.Run("count mismatch", func(t *testing.T) {
		writeFile(t, filepath.Join(dir, "t10k-labels.idx1-ubyte"), encodeIDX(0x801, []uint32{2}, []byte{4, 4}, false))
		_, err := ReadIDXDir(dir)
		if err == nil || !strings.Contains(err.Error(), "has 1 images but") || !strings.Contains(err.Error(), "has 2 labels") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing half", func(t *testing.T) {
		os.Remove(filepath.Join(dir, "t10k-labels.idx1-ubyte"))
		_, err := ReadIDXDir(dir)
		if err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("empty dir", func(t *testing.T) {
		_, err := ReadIDXDir(t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("labels as images", func(t *testing.T) {
		d := t.TempDir()
		writeFile(t, filepath.Join(d, "train-images-idx3-ubyte"), encodeIDX(0x801, []uint32{1}, []byte{1}, false))
		writeFile(t, filepath.Join(d, "train-labels-idx1-ubyte"), encodeIDX(0x801, []uint32{1}, []byte{1}, false))
		_, err := ReadIDXDir(d)
		if err == nil || !strings.Contains(err.Error(), "want 3 (N, H, W)") {
			t.Fatalf("err = %v", err)
		}
	})
}

func FuzzDecodeIDX(f *testing.F) {
	f.Add(encodeIDX(0x803, []uint32{2, 2, 2}, make([]byte, 8), false))
	f.Add(encodeIDX(0x801, []uint32{3}, []byte{1, 2, 3}, true))
	f.Add(encodeIDX(0x803, []uint32{1 << 20, 1 << 20, 1}, []byte{1}, false))
	f.Add([]byte{0x1f, 0x8b, 0, 0})
	f.Fuzz(func(t *testing.T, in []byte) {
		dims, payload, err := DecodeIDX(bytes.NewReader(in), "fuzz")
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.File != "fuzz" {
				t.Fatalf("error %v does not name the place", err)
			}
			return
		}
		n := 1
		for _, d := range dims {
			n *= d
		}
		if len(payload) != n || (len(dims) != 1 && len(dims) != 3) {
			t.Fatalf("dims %v with %d bytes", dims, len(payload))
		}
	})
}

// BenchmarkIDX reads an MNIST-sized image file (60000 x 28 x 28) from disk,
// raw and gzip-compressed.
func BenchmarkIDX(b *testing.B) {
	pix := make([]byte, 60000*28*28)
	for i := range pix {
		if (i*2654435761)>>28&3 == 0 { // sparse strokes, roughly MNIST-like compressibility
			pix[i] = byte(i)
		}
	}
	dir := b.TempDir()
	for _, gz := range []bool{false, true} {
		path := filepath.Join(dir, map[bool]string{false: "raw", true: "gzip"}[gz])
		if err := os.WriteFile(path, encodeIDX(0x803, []uint32{60000, 28, 28}, pix, gz), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(filepath.Base(path), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(pix)))
			for b.Loop() {
				if _, _, err := decodeIDXFile(path); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(60000*b.N)/b.Elapsed().Seconds(), "images/s")
		})
	}
}
