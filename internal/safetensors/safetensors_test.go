package safetensors

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func equalBits(a, b *tensor.Tensor) bool {
	if !tensor.SameShape(a, b) {
		return false
	}
	x, y := make([]float32, a.Numel()), make([]float32, b.Numel())
	a.CopyTo(x)
	b.CopyTo(y)
	for i := range x {
		if math.Float32bits(x[i]) != math.Float32bits(y[i]) {
			return false
		}
	}
	return true
}

func sample() map[string]*tensor.Tensor {
	rng := tensor.NewRNG(1)
	big := tensor.New(70, 300).Normal(rng, 0, 1) // larger than one write block
	return map[string]*tensor.Tensor{
		"encoder.0.weight": tensor.New(32, 1, 3, 3).Normal(rng, 0, 1),
		"encoder.0.bias":   tensor.New(32).Normal(rng, 0, 1),
		"big":              big,
		"view.transposed":  tensor.New(3, 5).Normal(rng, 0, 1).Transpose(0, 1),
		"view.slice":       big.Slice(0, 10, 12),
		"scalar":           tensor.Scalar(-3.5),
		"empty":            tensor.New(0, 4),
		"special":          tensor.FromSlice([]float32{float32(math.Inf(-1)), float32(math.NaN()), float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32}, 4),
		"ünïcode name":     tensor.New(1),
	}
}

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "ckpt.safetensors")
	in := sample()
	meta := map[string]string{"format": "pt", "step": "1200", "config": `{"lr": 0.1}`}
	if err := Save(path, in, meta); err != nil {
		t.Fatal(err)
	}
	out, gotMeta, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("loaded %d tensors, saved %d", len(out), len(in))
	}
	for name, want := range in {
		if got := out[name]; got == nil || !equalBits(got, want) {
			t.Errorf("%q: got %v, want %v", name, got, want)
		}
	}
	if len(gotMeta) != len(meta) {
		t.Errorf("metadata %v, want %v", gotMeta, meta)
	}
	for k, v := range meta {
		if gotMeta[k] != v {
			t.Errorf("metadata %q = %q, want %q", k, gotMeta[k], v)
		}
	}
	// Layout: header length multiple of 8, header starting with '{', no temp files left.
	raw, _ := os.ReadFile(path)
	if n := binary.LittleEndian.Uint64(raw); n%8 != 0 || raw[8] != '{' {
		t.Errorf("header length %d, first byte %q", n, raw[8])
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries after Save", len(entries))
	}
	// Saving twice gives identical bytes (deterministic header order).
	var buf bytes.Buffer
	if err := Encode(&buf, in, meta); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), raw) {
		t.Error("Encode and Save differ")
	}
	// Overwriting an existing file works and replaces it.
	if err := Save(path, map[string]*tensor.Tensor{"x": tensor.Scalar(1)}, nil); err != nil {
		t.Fatal(err)
	}
	out, gotMeta, err = Load(path)
	if err != nil || len(out) != 1 || len(gotMeta) != 0 {
		t.Fatalf("after overwrite: %v tensors, meta %v, err %v", len(out), gotMeta, err)
	}
}

// TestPyTorchFile reads testdata/torch.safetensors, written from PyTorch tensors
// by testdata/make_torch.py in the reference writer's layout.
func TestPyTorchFile(t *testing.T) {
	ts, meta, err := Load("testdata/torch.safetensors")
	if err != nil {
		t.Fatal(err)
	}
	w := tensor.New(4, 1, 3, 3)
	for i := range w.Data {
		w.Data[i] = (float32(i) - 18) * 0.125
	}
	want := map[string]*tensor.Tensor{
		"encoder.0.weight": w,
		"encoder.0.bias":   tensor.FromSlice([]float32{0.5, -0.25, 1e-3, 2}, 4),
		"head.weight": tensor.FromSlice([]float32{float32(math.Copysign(0, -1)), math.SmallestNonzeroFloat32,
			math.MaxFloat32, -1.5, 0.1, float32(math.Inf(1))}, 2, 3),
		"scalar": tensor.Scalar(7.25),
		"empty":  tensor.New(0, 3),
	}
	if len(ts) != len(want) {
		t.Fatalf("%d tensors, want %d", len(ts), len(want))
	}
	for name, wt := range want {
		if got := ts[name]; got == nil || !equalBits(got, wt) {
			t.Errorf("%q = %v, want %v", name, got, wt)
		}
	}
	if meta["format"] != "pt" || !strings.HasPrefix(meta["source"], "torch ") {
		t.Errorf("metadata %v", meta)
	}
}

// file assembles a safetensors file from a raw header and buffer.
func file(header string, data []byte) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(b, header...), data...)
}

func TestDecodeErrors(t *testing.T) {
	d8 := make([]byte, 8)
	ok := `{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	cases := []struct {
		name, want string
		file       []byte
	}{
		{"short", "shorter than", []byte{1, 2, 3}},
		{"length beyond file", "exceeds the", binary.LittleEndian.AppendUint64(nil, 1<<40)},
		{"length beyond file by one", "exceeds the", file(ok, d8)[:8+len(ok)-1]},
		{"not object", "start with '{'", file(`[1]`, nil)},
		{"leading space", "start with '{'", file(` {}`, nil)},
		{"bad json", "header", file(`{"a":}`, nil)},
		{"trailing garbage", "after the JSON", file(ok+` x`, d8)},
		{"invalid utf8", "UTF-8", file("{\"a\xff\":1}", nil)},
		{"duplicate", `duplicate key "a"`, file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8)},
		{"f16", `tensor "a" has dtype "F16"`, file(`{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}`, d8)},
		{"bf16", `"BF16": only F32`, file(`{"a":{"dtype":"BF16","shape":[4],"data_offsets":[0,8]}}`, d8)},
		{"missing dtype", "missing dtype", file(`{"a":{"shape":[2],"data_offsets":[0,8]}}`, d8)},
		{"case-folded key", "missing dtype", file(`{"a":{"DTYPE":"F32","shape":[2],"data_offsets":[0,8]}}`, d8)},
		{"missing shape", "missing shape", file(`{"a":{"dtype":"F32","data_offsets":[0,8]}}`, d8)},
		{"negative dim", "shape", file(`{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}`, d8)},
		{"fractional dim", "shape", file(`{"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,8]}}`, d8)},
		{"huge dim", "too large", file(`{"a":{"dtype":"F32","shape":[4294967296],"data_offsets":[0,8]}}`, d8)},
		{"overflowing shape", "needs", file(`{"a":{"dtype":"F32","shape":[2147483647,2147483647,2147483647,2147483647],"data_offsets":[0,8]}}`, d8)},
		{"shape vs bytes", "needs 12 bytes", file(`{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}`, d8)},
		{"one offset", "2 numbers", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[8]}}`, d8)},
		{"reversed offsets", "outside", file(`{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}`, d8)},
		{"offset past end", "outside", file(`{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}`, d8)},
		{"overlap", "overlap", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8)},
		{"hole", "belong to no tensor", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, d8)},
		{"tail", "belong to no tensor", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, d8)},
		{"metadata not object", "__metadata__", file(`{"__metadata__":[1]}`, nil)},
		{"metadata number", "not a string", file(`{"__metadata__":{"k":1}}`, nil)},
		{"entry not object", `tensor "a"`, file(`{"a":5}`, nil)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := Decode(c.file)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	cases := []struct {
		name string
		file []byte
		n    int
	}{
		{"empty object", file(`{}`, nil), 0},
		{"padded", file(`{}      `, nil), 0},
		{"newline padding", file("{}\n\t", nil), 0},
		{"null metadata", file(`{"__metadata__":null}`, nil), 0},
		{"unknown field", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":true}}`, make([]byte, 4)), 1},
		{"zero-size between", file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"z":{"dtype":"F32","shape":[3,0],"data_offsets":[4,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, make([]byte, 8)), 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts, meta, err := Decode(c.file)
			if err != nil || len(ts) != c.n || meta == nil {
				t.Fatalf("got %d tensors, meta %v, err %v", len(ts), meta, err)
			}
		})
	}
}

func TestSaveErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, want string
		path       string
		ts         map[string]*tensor.Tensor
		meta       map[string]string
	}{
		{"empty name", "invalid tensor name", "a", map[string]*tensor.Tensor{"": tensor.Scalar(1)}, nil},
		{"reserved name", "invalid tensor name", "a", map[string]*tensor.Tensor{MetadataKey: tensor.Scalar(1)}, nil},
		{"nil tensor", "is nil", "a", map[string]*tensor.Tensor{"x": nil}, nil},
		{"bad utf8", "UTF-8", "a", map[string]*tensor.Tensor{"x\xff": tensor.Scalar(1)}, nil},
		{"bad meta", "UTF-8", "a", nil, map[string]string{"k": "\xfe"}},
		{"missing dir", "no such file", filepath.Join("nodir", "x"), nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Save(filepath.Join(dir, c.path), c.ts, c.meta)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed saves left %d files", len(entries))
	}
	if _, _, err := Load(filepath.Join(dir, "absent")); err == nil || !strings.Contains(err.Error(), "absent") {
		t.Errorf("Load of a missing file: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	var buf bytes.Buffer
	Encode(&buf, map[string]*tensor.Tensor{"w": tensor.New(2, 3), "b": tensor.Scalar(1)}, map[string]string{"k": "v"})
	f.Add(buf.Bytes())
	if b, err := os.ReadFile("testdata/torch.safetensors"); err == nil {
		f.Add(b)
	}
	f.Add(file(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(file(`{}`, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, meta, err := Decode(b)
		if err != nil {
			return
		}
		// Whatever decodes must re-encode and decode to the same tensors.
		var out bytes.Buffer
		if err := Encode(&out, ts, meta); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		ts2, meta2, err := Decode(out.Bytes())
		if err != nil {
			t.Fatalf("decode of re-encoded file: %v", err)
		}
		if len(ts2) != len(ts) || len(meta2) != len(meta) {
			t.Fatalf("round trip changed counts")
		}
		for k, v := range ts {
			if !equalBits(v, ts2[k]) {
				t.Fatalf("round trip changed %q", k)
			}
		}
		for k, v := range meta {
			if meta2[k] != v {
				t.Fatalf("round trip changed metadata %q", k)
			}
		}
	})
}
