package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sameRecords compares records treating NaN == NaN.
func sameRecords(t *testing.T, got, want []Record) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Epoch != w.Epoch || g.Step != w.Step || len(g.Values) != len(w.Values) {
			t.Fatalf("record %d: got %+v, want %+v", i, g, w)
		}
		for k, wv := range w.Values {
			gv, ok := g.Values[k]
			if !ok || (gv != wv && !(math.IsNaN(gv) && math.IsNaN(wv))) {
				t.Fatalf("record %d key %q: got %v (present %v), want %v", i, k, gv, ok, wv)
			}
		}
	}
}

func TestMetricsLogLine(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
		want string
	}{
		{"empty", Record{}, `{"epoch":0,"step":0}`},
		{"sorted keys", Record{Epoch: 2, Step: 300, Values: map[string]float64{"lr": 0.03, "loss": 4.25, "knn_top1": 0.5}},
			`{"epoch":2,"step":300,"knn_top1":0.5,"loss":4.25,"lr":0.03}`},
		{"non-finite as null", Record{Epoch: 1, Step: -1, Values: map[string]float64{"a": math.NaN(), "b": math.Inf(1), "c": -1e-300}},
			`{"epoch":1,"step":-1,"a":null,"b":null,"c":-1e-300}`},
		{"escaped name", Record{Values: map[string]float64{`q"<x>`: 1}}, `{"epoch":0,"step":0,"q\"\u003cx\u003e":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			l := NewMetricsLog(&buf)
			if err := l.Write(tt.rec); err != nil {
				t.Fatal(err)
			}
			if got := buf.String(); got != tt.want+"\n" {
				t.Fatalf("line\n got %q\nwant %q", got, tt.want+"\n")
			}
			// Independent check: encoding/json reads it as a flat object.
			var m map[string]any
			if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(m) != 2+len(tt.rec.Values) {
				t.Fatalf("%d keys, want %d", len(m), 2+len(tt.rec.Values))
			}
			// Record is a json.Marshaler/Unmarshaler too.
			if b, err := json.Marshal(tt.rec); err != nil || string(b) != tt.want {
				t.Fatalf("json.Marshal = %s, %v", b, err)
			}
			var back []Record
			if err := json.Unmarshal([]byte("["+tt.want+"]"), &back); err != nil {
				t.Fatal(err)
			}
			want := Record{Epoch: tt.rec.Epoch, Step: tt.rec.Step, Values: map[string]float64{}}
			for k, v := range tt.rec.Values {
				if math.IsInf(v, 0) { // null reads back as NaN
					v = math.NaN()
				}
				want.Values[k] = v
			}
			sameRecords(t, back, []Record{want})
		})
	}
}

func TestMetricsLogRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.jsonl")
	var want []Record
	for step := range 50 {
		want = append(want, Record{Epoch: step / 10, Step: int64(step), Values: map[string]float64{
			"loss": 5 / float64(step+1), "lr": 0.1 * float64(step) / 49, "seconds": float64(step) * 0.123456789,
		}})
		if step%10 == 9 {
			want = append(want, Record{Epoch: step / 10, Step: int64(step), Values: map[string]float64{
				"knn_top1": 0.1 + float64(step)/100, "std": math.NaN(), "effective_rank": 12.5, "alignment": 0.3, "uniformity": -3.1,
			}})
		}
	}
	l, err := CreateMetricsLog(path)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range want {
		if err := l.Write(r); err != nil {
			t.Fatal(err)
		}
		if i == 3 { // flushed on each write: visible to a reader right away
			got, err := ReadMetricsFile(path)
			if err != nil {
				t.Fatal(err)
			}
			sameRecords(t, got, want[:4])
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Write(Record{}); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("write after close: %v", err)
	}
	// Append (resume) adds to the end.
	extra := Record{Epoch: 5, Step: 50, Values: map[string]float64{"loss": 0.01}}
	l, err = AppendMetricsLog(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Write(extra); err != nil {
		t.Fatal(err)
	}
	l.Close()
	got, err := ReadMetricsFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, got, append(want, extra))
}

func TestMetricsLogRejects(t *testing.T) {
	for _, k := range []string{"", "epoch", "step"} {
		t.Run(k, func(t *testing.T) {
			var buf bytes.Buffer
			err := NewMetricsLog(&buf).Write(Record{Values: map[string]float64{k: 1}})
			if !errors.Is(err, ErrFormat) || buf.Len() != 0 {
				t.Fatalf("err %v, wrote %q", err, buf.String())
			}
		})
	}
}

func TestReadMetrics(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    []Record
		wantErr error
	}{
		{"blank lines and CRLF", "\n{\"epoch\":1,\"step\":2,\"loss\":3}\r\n\n  \n{\"x\":-0.5e1}", []Record{
			{Epoch: 1, Step: 2, Values: map[string]float64{"loss": 3}}, {Values: map[string]float64{"x": -5}}}, nil},
		{"null is NaN", `{"a":null}` + "\n", []Record{{Values: map[string]float64{"a": math.NaN()}}}, nil},
		{"truncated last line", "{\"a\":1}\n{\"a\":2,\"b", []Record{{Values: map[string]float64{"a": 1}}}, ErrTruncated},
		{"bad middle line", "{\"a\":1}\n{\"a\":\n{\"a\":2}\n", []Record{{Values: map[string]float64{"a": 1}}}, ErrFormat},
		{"string value", `{"a":"1"}` + "\n", nil, ErrFormat},
		{"nested", `{"a":{"b":1}}` + "\n", nil, ErrFormat},
		{"array", "[1,2]\n", nil, ErrFormat},
		{"null line", "null\n", nil, ErrFormat},
		{"fractional epoch", `{"epoch":1.5}` + "\n", nil, ErrFormat},
		{"huge step", `{"step":99999999999999999999}` + "\n", nil, ErrFormat},
		{"out of range value", `{"a":1e999}` + "\n", nil, ErrFormat},
		{"empty name", `{"":1}` + "\n", nil, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadMetrics(strings.NewReader(tt.in))
			if tt.wantErr == nil && err != nil || tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Fatalf("err %v, want %v", err, tt.wantErr)
			}
			sameRecords(t, got, tt.want)
		})
	}
}

func TestMetricsJSON(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "metrics.json")
	if err := os.WriteFile(path, []byte("old contents"), 0o644); err != nil {
		t.Fatal(err)
	}
	m := map[string]float64{"zeta": 1, "knn_top1": 0.9731, "alpha": -2.5e-7, "linear_probe": 0.98, "nan": math.NaN()}
	if err := WriteMetricsJSON(path, m); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "metrics.json" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want only metrics.json", names)
	}
	data, _ := os.ReadFile(path)
	want := "{\n  \"alpha\": -2.5e-7,\n  \"knn_top1\": 0.9731,\n  \"linear_probe\": 0.98,\n  \"nan\": null,\n  \"zeta\": 1\n}\n"
	if string(data) != want {
		t.Fatalf("metrics.json\n got %q\nwant %q", data, want)
	}
	// Independent oracle: encoding/json's own map encoding sorts keys; the
	// compacted forms must agree (NaN replaced by null on our side).
	var generic map[string]any
	if err := json.Unmarshal(data, &generic); err != nil {
		t.Fatal(err)
	}
	ref, _ := json.Marshal(generic)
	var compact bytes.Buffer
	json.Compact(&compact, data)
	if compact.String() != string(ref) {
		t.Fatalf("key order differs from encoding/json:\n got %s\nwant %s", compact.String(), ref)
	}
	back, err := ReadMetricsJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(back["nan"]) {
		t.Fatalf("nan read as %v", back["nan"])
	}
	delete(back, "nan")
	delete(m, "nan")
	if !reflect.DeepEqual(back, m) {
		t.Fatalf("read back %v, want %v", back, m)
	}
	if err := os.Chmod(path, 0); err == nil { // mode of a replaced file
		WriteMetricsJSON(path, m)
		if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
			t.Fatalf("mode %v, want 0644", fi.Mode().Perm())
		}
	}
}

func TestMetricsJSONErrors(t *testing.T) {
	dir := t.TempDir()
	if err := WriteMetricsJSON(filepath.Join(dir, "missing", "metrics.json"), map[string]float64{"a": 1}); err == nil {
		t.Fatal("write into a missing directory succeeded")
	}
	if err := WriteMetricsJSON(filepath.Join(dir, "m.json"), map[string]float64{"": 1}); !errors.Is(err, ErrFormat) {
		t.Fatalf("empty name: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("failed writes left %d files", len(entries))
	}
	for _, in := range []string{"", "null", "[]", `{"a":"x"}`, `{"a":[1]}`, `{"a":true}`} {
		if _, err := DecodeMetricsJSON([]byte(in)); !errors.Is(err, ErrFormat) {
			t.Errorf("DecodeMetricsJSON(%q): %v", in, err)
		}
	}
	if b, _ := EncodeMetricsJSON(nil); string(b) != "{}\n" {
		t.Fatalf("empty: %q", b)
	}
}

func FuzzReadMetrics(f *testing.F) {
	f.Add([]byte("{\"epoch\":1,\"step\":2,\"loss\":0.5}\n{\"a\":null}\n"))
	f.Add([]byte("{\"a\":1}\n{\"a\""))
	f.Add([]byte("[]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		recs, err := ReadMetrics(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever parses re-encodes and reads back the same.
		var buf bytes.Buffer
		l := NewMetricsLog(&buf)
		for _, r := range recs {
			if err := l.Write(r); err != nil {
				t.Fatalf("re-encode %+v: %v", r, err)
			}
		}
		again, err := ReadMetrics(&buf)
		if err != nil {
			t.Fatalf("re-read: %v", err)
		}
		sameRecords(t, again, recs)
	})
}

func FuzzDecodeMetricsJSON(f *testing.F) {
	f.Add([]byte(`{"a":1,"b":null}`))
	f.Add([]byte(`{"a":"1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := DecodeMetricsJSON(data)
		if err != nil {
			return
		}
		b, err := EncodeMetricsJSON(m)
		if err != nil {
			t.Fatal(err)
		}
		m2, err := DecodeMetricsJSON(b)
		if err != nil || len(m2) != len(m) {
			t.Fatalf("round trip: %v %v %v", m, m2, err)
		}
	})
}

func TestJSONFloatMatchesEncodingJSON(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e20, 1e21, 1.2345e22, -3e-300,
		math.MaxFloat64, math.SmallestNonzeroFloat64, 123456789.123, 1.0 / 3}
	for _, v := range vals {
		want, _ := json.Marshal(v)
		if got := appendJSONFloat(nil, v); string(got) != string(want) {
			t.Errorf("%v: got %s, want %s", v, got, want)
		}
	}
}

func TestJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "loss", "train/loss", "knn_top1", `a"b`, `a\b`, "<&>", "tab\there", "é", "\x7f", "\u2028", "\xff"} {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
}
