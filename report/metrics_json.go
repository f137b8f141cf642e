package report

import (
	"encoding/json"
	"fmt"
	"os"
)

// EncodeMetricsJSON encodes final metrics as one flat, indented JSON object
// with keys in sorted order and a trailing newline; non-finite values are
// written as null. Names must be non-empty.
func EncodeMetricsJSON(m map[string]float64) ([]byte, error) {
	b := []byte("{")
	for i, k := range sortedKeys(m) {
		if k == "" {
			return nil, fmt.Errorf("report: empty metric name: %w", ErrFormat)
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, "\n  "...)
		b = appendJSONString(b, k)
		b = append(b, ": "...)
		b = appendJSONFloat(b, m[k])
	}
	if len(m) > 0 {
		b = append(b, '\n')
	}
	return append(b, "}\n"...), nil
}

// WriteMetricsJSON writes the final metrics of a run (metrics.json)
// atomically: a temporary file in the same directory is written, fsynced and
// renamed over path, so readers never see a partial file.
func WriteMetricsJSON(path string, m map[string]float64) error {
	b, err := EncodeMetricsJSON(m)
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b)
}

// ReadMetricsJSON reads a flat JSON object of numbers (null reads as NaN),
// as written by WriteMetricsJSON.
func ReadMetricsJSON(path string) (map[string]float64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("report: read %q: %w", path, err)
	}
	m, err := DecodeMetricsJSON(data)
	if err != nil {
		return nil, fmt.Errorf("report: read %q: %w", path, err)
	}
	return m, nil
}

// DecodeMetricsJSON decodes a flat JSON object of numbers (null reads as
// NaN); anything else is an error wrapping ErrFormat.
func DecodeMetricsJSON(data []byte) (map[string]float64, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("report: %w: %w", ErrFormat, err)
	}
	if raw == nil {
		return nil, fmt.Errorf("report: null is not a metrics object: %w", ErrFormat)
	}
	m := make(map[string]float64, len(raw))
	for k, v := range raw {
		if k == "" {
			return nil, fmt.Errorf("report: empty metric name: %w", ErrFormat)
		}
		f, err := parseJSONFloat(k, v)
		if err != nil {
			return nil, err
		}
		m[k] = f
	}
	return m, nil
}
