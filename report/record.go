package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Reserved keys of a metrics-log line; they hold Record.Epoch and
// Record.Step and cannot be used as names in Record.Values.
const (
	KeyEpoch = "epoch"
	KeyStep  = "step"
)

// ErrFormat is wrapped by every error about malformed metrics input
// (JSON that is not a flat object of numbers, reserved or empty names).
var ErrFormat = errors.New("malformed metrics")

// Record is one line of the metrics log: the epoch and optimiser step it
// was taken at, and any number of named values, e.g. "loss", "lr",
// "knn_top1", "std", "effective_rank", "alignment", "uniformity", "seconds".
//
// In JSON it is one flat object, {"epoch":3,"step":1200,"loss":4.1,...}, with
// epoch and step first and the values in sorted key order. JSON has no NaN or
// infinities, so a non-finite value is written as null and read back as NaN.
type Record struct {
	Epoch  int
	Step   int64
	Values map[string]float64
}

// validate reports names that cannot round-trip.
func (r Record) validate() error {
	for k := range r.Values {
		switch k {
		case "":
			return fmt.Errorf("report: record has an empty metric name: %w", ErrFormat)
		case KeyEpoch, KeyStep:
			return fmt.Errorf("report: metric name %q is reserved for Record.%s: %w",
				k, map[string]string{KeyEpoch: "Epoch", KeyStep: "Step"}[k], ErrFormat)
		}
	}
	return nil
}

// MarshalJSON encodes r as one flat JSON object (see Record).
func (r Record) MarshalJSON() ([]byte, error) {
	if err := r.validate(); err != nil {
		return nil, err
	}
	return r.appendJSON(nil), nil
}

func (r Record) appendJSON(b []byte) []byte {
	b = append(b, `{"epoch":`...)
	b = strconv.AppendInt(b, int64(r.Epoch), 10)
	b = append(b, `,"step":`...)
	b = strconv.AppendInt(b, r.Step, 10)
	for _, k := range sortedKeys(r.Values) {
		b = append(b, ',')
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONFloat(b, r.Values[k])
	}
	return append(b, '}')
}

// UnmarshalJSON decodes one flat JSON object of numbers (or nulls, read as
// NaN); "epoch" and "step" must be integers and default to 0 when absent.
func (r *Record) UnmarshalJSON(data []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("report: %w: %w", ErrFormat, err)
	}
	if raw == nil {
		return fmt.Errorf("report: null is not a metrics record: %w", ErrFormat)
	}
	out := Record{Values: make(map[string]float64, len(raw))}
	for k, v := range raw {
		switch k {
		case KeyEpoch:
			n, err := parseJSONInt(k, v, 32)
			if err != nil {
				return err
			}
			out.Epoch = int(n)
		case KeyStep:
			n, err := parseJSONInt(k, v, 64)
			if err != nil {
				return err
			}
			out.Step = n
		case "":
			return fmt.Errorf("report: record has an empty metric name: %w", ErrFormat)
		default:
			f, err := parseJSONFloat(k, v)
			if err != nil {
				return err
			}
			out.Values[k] = f
		}
	}
	*r = out
	return nil
}

func parseJSONInt(key string, v json.RawMessage, bits int) (int64, error) {
	n, err := strconv.ParseInt(string(bytes.TrimSpace(v)), 10, bits)
	if err != nil {
		return 0, fmt.Errorf("report: %q is %s, want an integer: %w", key, v, ErrFormat)
	}
	return n, nil
}

func parseJSONFloat(key string, v json.RawMessage) (float64, error) {
	s := string(bytes.TrimSpace(v))
	if s == "null" {
		return math.NaN(), nil
	}
	var num json.Number
	if err := json.Unmarshal(v, &num); err != nil || !isJSONNumber(s) {
		return 0, fmt.Errorf("report: %q is %s, want a number or null: %w", key, v, ErrFormat)
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil { // out of float64 range
		return 0, fmt.Errorf("report: %q is %s: %w: %w", key, v, ErrFormat, err)
	}
	return f, nil
}

// isJSONNumber reports whether s starts like a JSON number literal (the
// json.Number decoder also accepts quoted strings, which we do not).
func isJSONNumber(s string) bool {
	return s != "" && (s[0] == '-' || (s[0] >= '0' && s[0] <= '9'))
}

// appendJSONString appends s quoted as encoding/json quotes it (HTML
// characters escaped too); metric names are almost always plain ASCII, which
// takes the fast path.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// appendJSONFloat writes the shortest decimal that reads back as v exactly,
// formatted as encoding/json formats float64 (plain decimals for
// 1e-6 <= |v| < 1e21, otherwise exponent form like 1e-7), or null for NaN and
// infinities.
func appendJSONFloat(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	format := byte('f')
	if a := math.Abs(v); a != 0 && (a < 1e-6 || a >= 1e21) {
		format = 'e'
	}
	start := len(b)
	b = strconv.AppendFloat(b, v, format, -1, 64)
	if format == 'e' { // e-07 -> e-7, as encoding/json does
		if n := len(b) - start; n >= 4 && b[len(b)-4] == 'e' && b[len(b)-3] == '-' && b[len(b)-2] == '0' {
			b[len(b)-2] = b[len(b)-1]
			b = b[:len(b)-1]
		}
	}
	return b
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
