package report

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ---- independent hand decoder for TFRecord + protobuf ----

// mask is the TFRecord CRC mask exactly as the format documents it.
func mask(crc uint32) uint32 { return ((crc >> 15) | (crc << 17)) + 0xa282ead8 }

func crcC(b []byte) uint32 { return crc32.Checksum(b, crc32.MakeTable(crc32.Castagnoli)) }

// readTFRecords splits a TFRecord stream, verifying both CRCs.
func readTFRecords(t *testing.T, b []byte) [][]byte {
	t.Helper()
	var out [][]byte
	for len(b) > 0 {
		if len(b) < 12 {
			t.Fatalf("short record header: %d bytes", len(b))
		}
		n := binary.LittleEndian.Uint64(b[:8])
		if got, want := binary.LittleEndian.Uint32(b[8:12]), mask(crcC(b[:8])); got != want {
			t.Fatalf("length CRC %#x, want %#x", got, want)
		}
		if uint64(len(b)-16) < n {
			t.Fatalf("record of %d bytes, %d left", n, len(b)-16)
		}
		data := b[12 : 12+n]
		if got, want := binary.LittleEndian.Uint32(b[12+n:16+n]), mask(crcC(data)); got != want {
			t.Fatalf("data CRC %#x, want %#x", got, want)
		}
		out = append(out, data)
		b = b[16+n:]
	}
	return out
}

type pbField struct {
	num, wire int
	u         uint64 // varint, fixed64, fixed32
	b         []byte // length-delimited
}

func decodeVarint(t *testing.T, b []byte) (uint64, int) {
	t.Helper()
	var v uint64
	for i := 0; i < len(b) && i < 10; i++ {
		v |= uint64(b[i]&0x7f) << (7 * i)
		if b[i] < 0x80 {
			return v, i + 1
		}
	}
	t.Fatalf("bad varint % x", b)
	return 0, 0
}

func decodeFields(t *testing.T, b []byte) []pbField {
	t.Helper()
	var fs []pbField
	for len(b) > 0 {
		key, n := decodeVarint(t, b)
		b = b[n:]
		f := pbField{num: int(key >> 3), wire: int(key & 7)}
		switch f.wire {
		case 0:
			f.u, n = decodeVarint(t, b)
		case 1:
			f.u, n = binary.LittleEndian.Uint64(b), 8
		case 5:
			f.u, n = uint64(binary.LittleEndian.Uint32(b)), 4
		case 2:
			l, m := decodeVarint(t, b)
			f.b, n = b[m:m+int(l)], m+int(l)
		default:
			t.Fatalf("wire type %d", f.wire)
		}
		b = b[n:]
		fs = append(fs, f)
	}
	return fs
}

type decodedEvent struct {
	wall    float64
	step    int64
	version string
	values  []scalar
}

func decodeEvent(t *testing.T, b []byte) decodedEvent {
	t.Helper()
	var e decodedEvent
	for _, f := range decodeFields(t, b) {
		switch {
		case f.num == 1 && f.wire == 1:
			e.wall = math.Float64frombits(f.u)
		case f.num == 2 && f.wire == 0:
			e.step = int64(f.u)
		case f.num == 3 && f.wire == 2:
			e.version = string(f.b)
		case f.num == 5 && f.wire == 2:
			for _, v := range decodeFields(t, f.b) {
				if v.num != 1 || v.wire != 2 {
					t.Fatalf("summary field %d/%d", v.num, v.wire)
				}
				var s scalar
				for _, vf := range decodeFields(t, v.b) {
					switch {
					case vf.num == 1 && vf.wire == 2:
						s.tag = string(vf.b)
					case vf.num == 2 && vf.wire == 5:
						s.value = math.Float32frombits(uint32(vf.u))
					default:
						t.Fatalf("value field %d/%d", vf.num, vf.wire)
					}
				}
				e.values = append(e.values, s)
			}
		default:
			t.Fatalf("event field %d/%d", f.num, f.wire)
		}
	}
	return e
}

// ---- tests ----

func TestMaskedCRC32C(t *testing.T) {
	// CRC-32C check value of "123456789" (RFC 3720 / the CRC catalogue).
	if got := crc32.Checksum([]byte("123456789"), castagnoli); got != 0xe3069283 {
		t.Fatalf("crc32c check value %#x", got)
	}
	tests := []struct {
		in   string
		want uint32
	}{
		{"", 0xa282ead8}, // crc 0: mask is the constant alone
		// 0xe3069283 rotated right 15 = 0x2507c60d; + 0xa282ead8 = 0xc78ab0e5.
		{"123456789", 0xc78ab0e5},
	}
	for _, tt := range tests {
		if got := maskedCRC32C([]byte(tt.in)); got != tt.want || got != mask(crcC([]byte(tt.in))) {
			t.Errorf("maskedCRC32C(%q) = %#x, want %#x", tt.in, got, tt.want)
		}
	}
}

func TestVarint(t *testing.T) {
	tests := []struct {
		v    uint64
		want string
	}{
		{0, "00"}, {1, "01"}, {127, "7f"}, {128, "8001"}, {300, "ac02"}, {16384, "808001"},
		{math.MaxUint64, "ffffffffffffffffff01"},
		{uint64(1) << 63, "80808080808080808001"},
	}
	for _, tt := range tests {
		got := appendVarint(nil, tt.v)
		if hex.EncodeToString(got) != tt.want || len(got) != varintLen(tt.v) {
			t.Errorf("varint(%d) = %x (len %d), want %s", tt.v, got, varintLen(tt.v), tt.want)
		}
		if v, n := decodeVarint(t, got); v != tt.v || n != len(got) {
			t.Errorf("decode %x = %d, %d", got, v, n)
		}
	}
}

// TestEventBytes compares encoded events with bytes written out by hand
// from the protobuf encoding rules.
func TestEventBytes(t *testing.T) {
	tests := []struct {
		name string
		got  []byte
		want string
	}{
		{"file version", appendFileVersionEvent(nil, 1.5),
			"09" + "000000000000f83f" + // wall_time 1.5: key 1<<3|1, float64 bits LE
				"1a" + "0d" + hex.EncodeToString([]byte("brain.Event:2"))}, // file_version: key 3<<3|2, len 13
		{"scalar", first(appendSummaryEvent(nil, 1.5, 3, []scalar{{"loss", 0.25}}, nil)),
			"09" + "000000000000f83f" + // wall_time
				"10" + "03" + // step: key 2<<3|0, varint 3
				"2a" + "0d" + // summary: key 5<<3|2, 13 bytes
				"0a" + "0b" + // Summary.value: key 1<<3|2, 11 bytes
				"0a" + "04" + hex.EncodeToString([]byte("loss")) + // Value.tag
				"15" + "0000803e"}, // Value.simple_value: key 2<<3|5, float32 0.25 = 0x3e800000 LE
		{"step 0 and zero value", first(appendSummaryEvent(nil, 0, 0, []scalar{{"a", 0}}, nil)),
			"2a" + "0a" + "0a" + "08" + "0a" + "01" + "61" + "15" + "00000000"}, // Value = 3 + 5 bytes
		{"negative step, two values", first(appendSummaryEvent(nil, 0, -1, []scalar{{"a", 1}, {"b", -2}}, nil)),
			"10" + "ffffffffffffffffff01" +
				"2a" + "14" + // two Values of 2 + 8 bytes
				"0a" + "08" + "0a0161" + "15" + "0000803f" +
				"0a" + "08" + "0a0162" + "15" + "000000c0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hex.EncodeToString(tt.got); got != tt.want {
				t.Fatalf("event\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	// The whole framed record for the scalar event.
	ev, _ := appendSummaryEvent(nil, 1.5, 3, []scalar{{"loss", 0.25}}, nil)
	rec := appendTFRecord(nil, ev)
	wantHead := "1a00000000000000" // length 26, uint64 LE
	if got := hex.EncodeToString(rec[:8]); got != wantHead || len(rec) != 8+4+26+4 {
		t.Fatalf("record header %s (len %d), want %s (len 42)", got, len(rec), wantHead)
	}
	if !bytes.Equal(readTFRecords(t, rec)[0], ev) {
		t.Fatal("record payload differs")
	}
}

func first(b, _ []byte) []byte { return b }

func TestEventStream(t *testing.T) {
	clock := time.Unix(1700000000, 250_000_000)
	now := func() time.Time { clock = clock.Add(time.Second); return clock }
	var buf bytes.Buffer
	w, err := NewEventStream(&buf, now)
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() == 0 {
		t.Fatal("file_version event not flushed at creation")
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(w.Scalar("train/loss", 10, 4.5))
	must(w.Scalar("train/lr", 10, 0.1)) // not exact in float32
	must(w.Scalars(20, map[string]float64{"z": 1, "knn_top1": 0.75, "nan": math.NaN()}))
	must(w.Scalars(30, nil))
	must(w.Record(Record{Epoch: 1, Step: 40, Values: map[string]float64{"loss": 2}}))
	if err := w.Scalar("", 1, 1); !errors.Is(err, ErrFormat) {
		t.Fatalf("empty tag: %v", err)
	}
	must(w.Close())
	if err := w.Scalar("x", 1, 1); !errors.Is(err, os.ErrClosed) {
		t.Fatalf("after close: %v", err)
	}

	recs := readTFRecords(t, buf.Bytes())
	var evs []decodedEvent
	for _, r := range recs {
		evs = append(evs, decodeEvent(t, r))
	}
	want := []decodedEvent{
		{wall: 1700000001.25, version: "brain.Event:2"},
		{wall: 1700000002.25, step: 10, values: []scalar{{"train/loss", 4.5}}},
		{wall: 1700000003.25, step: 10, values: []scalar{{"train/lr", float32(0.1)}}},
		{wall: 1700000004.25, step: 20, values: []scalar{{"knn_top1", 0.75}, {"nan", float32(math.NaN())}, {"z", 1}}},
		{wall: 1700000005.25, step: 40, values: []scalar{{"loss", 2}}},
	}
	if len(evs) != len(want) {
		t.Fatalf("%d events, want %d", len(evs), len(want))
	}
	for i := range want {
		g, w := evs[i], want[i]
		if fmt.Sprint(g) != fmt.Sprint(w) { // fmt prints NaN as NaN on both sides
			t.Errorf("event %d: got %+v, want %+v", i, g, w)
		}
	}
}

func TestEventWriterFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tb")
	before := time.Now().Unix()
	w1, err := NewEventWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	w2, err := NewEventWriter(dir) // same second, likely: must not clobber w1
	if err != nil {
		t.Fatal(err)
	}
	if err := w1.Scalar("loss", 1, 3); err != nil {
		t.Fatal(err)
	}
	if err := w1.Flush(); err != nil {
		t.Fatal(err)
	}
	w1.Close()
	w2.Close()
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("%d files, want 2", len(entries))
	}
	host, _ := os.Hostname()
	for _, e := range entries {
		name := e.Name()
		var sec int64
		var rest string
		if _, err := fmt.Sscanf(name, "events.out.tfevents.%d.%s", &sec, &rest); err != nil ||
			sec < before || sec > time.Now().Unix() || !strings.HasPrefix(rest, host) {
			t.Errorf("file name %q (host %q)", name, host)
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		recs := readTFRecords(t, data)
		if ev := decodeEvent(t, recs[0]); ev.version != FileVersion || ev.wall < float64(before) {
			t.Errorf("%s: first event %+v", name, ev)
		}
	}
	if got := EventFileName(time.Unix(42, 0), "a/b\\c"); got != "events.out.tfevents.42.a_b_c" {
		t.Errorf("EventFileName = %q", got)
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestEventWriterErrorSticks(t *testing.T) {
	if _, err := NewEventStream(&failWriter{n: 3}, nil); err == nil {
		t.Fatal("creation on a failing writer succeeded")
	}
	w, err := NewEventStream(&failWriter{n: 40}, nil) // room for the header event only
	if err != nil {
		t.Fatal(err)
	}
	var big strings.Builder
	for range 5000 {
		big.WriteString("x")
	}
	w.Scalar(big.String(), 1, 1) // larger than the buffer: reaches the writer
	if err := w.Flush(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("flush: %v", err)
	}
	if err := w.Scalar("a", 2, 1); err == nil {
		t.Fatal("write after error succeeded")
	}
}

// FuzzEventRoundTrip encodes arbitrary scalar events and reads them back
// with the independent decoder above.
func FuzzEventRoundTrip(f *testing.F) {
	f.Add("loss", int64(3), float32(0.25), 1.5)
	f.Add("", int64(-1), float32(0), 0.0)
	f.Add("a/b\x00\xff", int64(math.MaxInt64), float32(math.Inf(-1)), -2.0)
	f.Fuzz(func(t *testing.T, tag string, step int64, value float32, wall float64) {
		ev, _ := appendSummaryEvent(nil, wall, step, []scalar{{tag, value}, {"second", -value}}, nil)
		recs := readTFRecords(t, appendTFRecord(nil, ev))
		if len(recs) != 1 {
			t.Fatalf("%d records", len(recs))
		}
		got := decodeEvent(t, recs[0])
		if math.Float64bits(got.wall) != math.Float64bits(wall) && !(wall == 0 && got.wall == 0) || got.step != step || len(got.values) != 2 {
			t.Fatalf("got %+v, want wall %v step %d", got, wall, step)
		}
		for i, w := range []scalar{{tag, value}, {"second", -value}} {
			g := got.values[i]
			if g.tag != w.tag || math.Float32bits(g.value) != math.Float32bits(w.value) {
				t.Fatalf("value %d: got %+v, want %+v", i, g, w)
			}
		}
	})
}
