package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"unicode/utf8"

	"github.com/contrast-ml/contrast/tensor"
)

// MaxHeaderSize bounds the JSON header, as the reference implementation does
// (100 MB), so that a corrupt length cannot make Load allocate without limit.
const MaxHeaderSize = 100_000_000

// MetadataKey is the reserved header key of the string-to-string metadata.
const MetadataKey = "__metadata__"

// Load reads a safetensors file: the tensors by name and the metadata (never nil).
func Load(path string) (map[string]*tensor.Tensor, map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: read %q: %w", path, err)
	}
	ts, meta, err := Decode(b)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: %q: %w", path, err)
	}
	return ts, meta, nil
}

// entry is one tensor's header record.
type entry struct {
	DType   string
	Shape   *[]uint64
	Offsets []uint64
}

// parseFields decodes an entry with exact-case keys (encoding/json would match
// "DType" too) and no duplicates; unknown keys are ignored, as the reference
// implementation does.
func (e *entry) parseFields(raw json.RawMessage) error {
	fields, err := objectFields(raw)
	if err != nil {
		return err
	}
	for _, f := range fields {
		var err error
		switch f.key {
		case "dtype":
			err = json.Unmarshal(f.value, &e.DType)
		case "shape":
			err = json.Unmarshal(f.value, &e.Shape)
		case "data_offsets":
			err = json.Unmarshal(f.value, &e.Offsets)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f.key, err)
		}
	}
	return nil
}

// span is a validated tensor location in the buffer.
type span struct {
	name       string
	shape      []int
	begin, end int
}

// Decode parses a whole safetensors file held in memory.
func Decode(b []byte) (map[string]*tensor.Tensor, map[string]string, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("file of %d bytes is shorter than the 8-byte header length", len(b))
	}
	n := binary.LittleEndian.Uint64(b)
	if n > uint64(len(b)-8) {
		return nil, nil, fmt.Errorf("header length %d exceeds the %d bytes after it", n, len(b)-8)
	}
	if n > MaxHeaderSize {
		return nil, nil, fmt.Errorf("header length %d exceeds the limit of %d", n, MaxHeaderSize)
	}
	header, data := b[8:8+n], b[8+n:]
	spans, meta, err := parseHeader(header, len(data))
	if err != nil {
		return nil, nil, err
	}
	ts := make(map[string]*tensor.Tensor, len(spans))
	for _, s := range spans {
		t := tensor.New(s.shape...)
		raw := data[s.begin:s.end]
		for i := range t.Data {
			t.Data[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
		ts[s.name] = t
	}
	return ts, meta, nil
}

// parseHeader validates the JSON header against a buffer of dataLen bytes.
func parseHeader(header []byte, dataLen int) ([]span, map[string]string, error) {
	if len(header) == 0 || header[0] != '{' {
		return nil, nil, errors.New("header does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, nil, errors.New("header is not valid UTF-8")
	}
	fields, err := objectFields(header)
	if err != nil {
		return nil, nil, fmt.Errorf("header: %w", err)
	}
	meta := map[string]string{}
	var spans []span
	for _, f := range fields {
		if f.key == MetadataKey {
			if meta, err = parseMetadata(f.value); err != nil {
				return nil, nil, err
			}
			continue
		}
		s, err := parseEntry(f.key, f.value, dataLen)
		if err != nil {
			return nil, nil, err
		}
		spans = append(spans, s)
	}
	if err := checkCoverage(spans, dataLen); err != nil {
		return nil, nil, err
	}
	return spans, meta, nil
}

func parseMetadata(raw json.RawMessage) (map[string]string, error) {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return map[string]string{}, nil
	}
	fields, err := objectFields(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", MetadataKey, err)
	}
	meta := make(map[string]string, len(fields))
	for _, f := range fields {
		var v string
		if err := json.Unmarshal(f.value, &v); err != nil {
			return nil, fmt.Errorf("%s: value of %q is not a string", MetadataKey, f.key)
		}
		meta[f.key] = v
	}
	return meta, nil
}

func parseEntry(name string, raw json.RawMessage, dataLen int) (span, error) {
	var e entry
	if err := e.parseFields(raw); err != nil {
		return span{}, fmt.Errorf("tensor %q: %w", name, err)
	}
	switch {
	case e.DType == "":
		return span{}, fmt.Errorf("tensor %q: missing dtype", name)
	case e.DType != "F32":
		return span{}, fmt.Errorf("tensor %q has dtype %q: only F32 is supported", name, e.DType)
	case e.Shape == nil:
		return span{}, fmt.Errorf("tensor %q: missing shape", name)
	case len(e.Offsets) != 2:
		return span{}, fmt.Errorf("tensor %q: data_offsets must hold 2 numbers, got %d", name, len(e.Offsets))
	case e.Offsets[0] > e.Offsets[1] || e.Offsets[1] > uint64(dataLen):
		return span{}, fmt.Errorf("tensor %q: data_offsets %v outside the %d-byte buffer", name, e.Offsets, dataLen)
	}
	begin, end := int(e.Offsets[0]), int(e.Offsets[1])
	// Count elements without overflow: a count above what the buffer can hold
	// saturates at limit+1, which is a mismatch anyway.
	limit := uint64(dataLen / 4)
	shape := make([]int, len(*e.Shape))
	count, zero := uint64(1), false
	for i, d := range *e.Shape {
		if d > math.MaxInt32 {
			return span{}, fmt.Errorf("tensor %q: dimension %d of shape %v is too large", name, i, *e.Shape)
		}
		shape[i] = int(d)
		switch {
		case d == 0:
			zero = true
		case count > limit/d:
			count = limit + 1
		default:
			count *= d
		}
	}
	if zero {
		count = 0
	}
	if count*4 != uint64(end-begin) {
		return span{}, fmt.Errorf("tensor %q: shape %v needs %d bytes of F32, data_offsets %v give %d", name, shape, count*4, e.Offsets, end-begin)
	}
	return span{name: name, shape: shape, begin: begin, end: end}, nil
}

// checkCoverage requires the tensors to tile [0, dataLen) exactly.
func checkCoverage(spans []span, dataLen int) error {
	sorted := slices.Clone(spans)
	slices.SortFunc(sorted, func(a, b span) int {
		if a.begin != b.begin {
			return a.begin - b.begin
		}
		return a.end - b.end
	})
	at, prev := 0, ""
	for _, s := range sorted {
		switch {
		case s.begin < at:
			return fmt.Errorf("tensors %q and %q overlap at byte %d", prev, s.name, s.begin)
		case s.begin > at:
			return fmt.Errorf("bytes %d to %d of the buffer belong to no tensor", at, s.begin)
		}
		at, prev = s.end, s.name
	}
	if at != dataLen {
		return fmt.Errorf("bytes %d to %d of the buffer belong to no tensor", at, dataLen)
	}
	return nil
}

// field is one key of a JSON object with its raw value.
type field struct {
	key   string
	value json.RawMessage
}

// objectFields splits a JSON object into its fields in order, rejecting
// duplicate keys (which encoding/json would silently merge). Only JSON
// whitespace may follow the object.
func objectFields(b []byte) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fmt.Errorf("not a JSON object")
	}
	var fields []field
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("object key is not a string")
		}
		if seen[key] {
			return nil, fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("value of %q: %w", key, err)
		}
		fields = append(fields, field{key, v})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, err
	}
	rest := b[dec.InputOffset():]
	if len(bytes.Trim(rest, " \t\r\n")) != 0 {
		return nil, fmt.Errorf("unexpected bytes after the JSON object")
	}
	return fields, nil
}
