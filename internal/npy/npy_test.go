package npy

import (
	"bytes"
	"encoding/binary"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// golden bytes of np.save(f, np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)),
// written out by hand from the format specification.
func golden() []byte {
	dict := "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
	h := []byte("\x93NUMPY\x01\x00")
	h = binary.LittleEndian.AppendUint16(h, 118)
	h = append(h, dict...)
	h = append(h, bytes.Repeat([]byte(" "), 128-10-len(dict)-1)...)
	h = append(h, '\n')
	for _, v := range []float32{1, 2, 3, 4, 5, 6} {
		h = binary.LittleEndian.AppendUint32(h, math.Float32bits(v))
	}
	return h
}

func TestWriteMatchesGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, []float32{1, 2, 3, 4, 5, 6}, 2, 3); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), golden()) {
		t.Fatalf("Write bytes\n%q\nwant\n%q", buf.Bytes(), golden())
	}
}

func build(version byte, dict string, payload []byte) []byte {
	b := []byte(magic)
	b = append(b, version, 0)
	if version == 1 {
		b = binary.LittleEndian.AppendUint16(b, uint16(len(dict)))
	} else {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(dict)))
	}
	return append(append(b, dict...), payload...)
}

func TestReadVariants(t *testing.T) {
	le32 := func(vs ...float32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
		return b
	}
	be64 := func(vs ...float64) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.BigEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	tests := []struct {
		name       string
		file       []byte
		rows, cols int
		want       []float32
	}{
		{"golden", golden(), 2, 3, []float32{1, 2, 3, 4, 5, 6}},
		{"v2", build(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2)}\n", le32(7, 8)), 1, 2, []float32{7, 8}},
		{"v3 double quotes", build(3, `{"descr": "<f4", "fortran_order": False, "shape": (2, 1), }`, le32(7, 8)), 2, 1, []float32{7, 8}},
		{"fortran", build(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", le32(1, 4, 2, 5, 3, 6)), 2, 3, []float32{1, 2, 3, 4, 5, 6}},
		{"big-endian f8", build(1, "{'shape': (1, 2), 'fortran_order': False, 'descr': '>f8'}", be64(0.5, -2)), 1, 2, []float32{0.5, -2}},
		{"empty", build(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 5), }", nil), 0, 5, []float32{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, r, c, err := Read(bytes.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if r != tt.rows || c != tt.cols || len(data) != len(tt.want) {
				t.Fatalf("got (%d,%d) len %d, want (%d,%d) len %d", r, c, len(data), tt.rows, tt.cols, len(tt.want))
			}
			for i := range data {
				if data[i] != tt.want[i] {
					t.Fatalf("data[%d] = %v, want %v", i, data[i], tt.want[i])
				}
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	ok := "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }"
	tests := []struct {
		name, want string
		file       []byte
	}{
		{"magic", "bad magic", []byte("NOTNUMPY\x00\x00")},
		{"short", "preamble", []byte("\x93NUM")},
		{"version", "version 9.0", build(1, ok, nil)[:6:6]},
		{"dtype", "unsupported dtype", build(1, strings.Replace(ok, "<f4", "<i8", 1), make([]byte, 8))},
		{"3-D", "2-D", build(1, strings.Replace(ok, "(1, 1)", "(1, 1, 1)", 1), make([]byte, 4))},
		{"1-D", "2-D", build(1, strings.Replace(ok, "(1, 1)", "(4,)", 1), make([]byte, 16))},
		{"truncated data", "0 of 1 elements", build(1, ok, []byte{1, 2})},
		{"missing key", "missing key", build(1, "{'descr': '<f4', 'shape': (1, 1)}", make([]byte, 4))},
		{"unknown key", "unexpected key", build(1, "{'descr': '<f4', 'x': 1}", nil)},
		{"malformed", "malformed", build(1, "{'descr' '<f4'}", nil)},
		{"huge shape", "elements present", build(1, strings.Replace(ok, "(1, 1)", "(1000000, 1000)", 1), make([]byte, 8))},
	}
	tests[2].file = append([]byte(magic), 9, 0, 0, 0)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, _, err := Read(bytes.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want containing %q", err, tt.want)
			}
		})
	}
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.npy")
	data := make([]float32, 37*5)
	for i := range data {
		data[i] = float32(i)*0.25 - 3
	}
	if err := WriteFile(path, data, 37, 5); err != nil {
		t.Fatal(err)
	}
	got, r, c, err := ReadFile(path)
	if err != nil || r != 37 || c != 5 {
		t.Fatalf("ReadFile: (%d,%d) %v", r, c, err)
	}
	for i := range data {
		if got[i] != data[i] {
			t.Fatalf("element %d: %v want %v", i, got[i], data[i])
		}
	}
	if _, _, _, err := ReadFile(path + ".missing"); err == nil || !strings.Contains(err.Error(), "x.npy.missing") {
		t.Fatalf("missing file error %v should name the path", err)
	}
}

func FuzzRead(f *testing.F) {
	f.Add(golden())
	f.Add(build(2, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 1), }", make([]byte, 16)))
	f.Add([]byte("\x93NUMPY\x01\x00\x05\x00{'a':"))
	f.Fuzz(func(t *testing.T, b []byte) {
		data, r, c, err := Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		if len(data) != r*c {
			t.Fatalf("len %d != %d*%d", len(data), r, c)
		}
		var buf bytes.Buffer
		if err := Write(&buf, data, r, c); err != nil {
			t.Fatal(err)
		}
		d2, r2, c2, err := Read(&buf)
		if err != nil || r2 != r || c2 != c {
			t.Fatalf("round trip: (%d,%d) %v", r2, c2, err)
		}
		for i := range data {
			if math.Float32bits(d2[i]) != math.Float32bits(data[i]) {
				t.Fatalf("round trip element %d", i)
			}
		}
	})
}
