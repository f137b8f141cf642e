package report

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTruncated is returned (wrapped) by ReadMetrics when the last line has
// no newline and does not parse: the writer was stopped mid-line. The
// records before it are returned with the error and are complete.
var ErrTruncated = errors.New("truncated last line")

// ReadMetrics reads a JSON Lines metrics log written by MetricsLog (or by
// anything else that writes one flat object of numbers per line). Blank
// lines are skipped. On a malformed line it returns the records read so far
// and an error naming the line (wrapping ErrFormat, or ErrTruncated for an
// unterminated last line).
func ReadMetrics(r io.Reader) ([]Record, error) {
	br := bufio.NewReader(r)
	var recs []Record
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return recs, fmt.Errorf("report: read metrics line %d: %w", lineNo, err)
		}
		terminated := err == nil
		if trimmed := bytes.TrimSpace(line); len(trimmed) > 0 {
			var rec Record
			if perr := rec.UnmarshalJSON(trimmed); perr != nil {
				if !terminated {
					return recs, fmt.Errorf("report: metrics line %d: %w: %w", lineNo, ErrTruncated, perr)
				}
				return recs, fmt.Errorf("report: metrics line %d: %w", lineNo, perr)
			}
			recs = append(recs, rec)
		}
		if !terminated {
			return recs, nil
		}
	}
}

// ReadMetricsFile reads the metrics log at path (see ReadMetrics).
func ReadMetricsFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("report: open %q: %w", path, err)
	}
	defer f.Close()
	recs, err := ReadMetrics(f)
	if err != nil {
		return recs, fmt.Errorf("report: read %q: %w", path, err)
	}
	return recs, nil
}
