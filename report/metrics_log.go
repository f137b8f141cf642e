package report

import (
	"fmt"
	"io"
	"os"
	"sync"
)

// MetricsLog writes Records as JSON Lines (one object per line, see Record)
// for metrics.jsonl. Each Write issues a single write of the whole line to
// the underlying writer, with no buffering in between, so a reader (or a
// crash) sees only complete lines, up to the last one being written. Safe for
// concurrent use.
type MetricsLog struct {
	mu     sync.Mutex
	w      io.Writer
	closer io.Closer
	name   string
	buf    []byte
}

// NewMetricsLog writes JSON Lines to w; Close closes w if it is an io.Closer.
func NewMetricsLog(w io.Writer) *MetricsLog {
	l := &MetricsLog{w: w, name: "metrics log"}
	if c, ok := w.(io.Closer); ok {
		l.closer = c
	}
	return l
}

// CreateMetricsLog creates (or truncates) the file at path, e.g.
// run/metrics.jsonl, for a new run.
func CreateMetricsLog(path string) (*MetricsLog, error) {
	return openMetricsLog(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC)
}

// AppendMetricsLog opens the file at path for appending, creating it if
// needed, for a run resumed from a checkpoint.
func AppendMetricsLog(path string) (*MetricsLog, error) {
	return openMetricsLog(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND)
}

func openMetricsLog(path string, flag int) (*MetricsLog, error) {
	f, err := os.OpenFile(path, flag, 0o644)
	if err != nil {
		return nil, fmt.Errorf("report: open %q: %w", path, err)
	}
	l := NewMetricsLog(f)
	l.name = fmt.Sprintf("%q", path)
	return l, nil
}

// Write appends r as one line. Metric names must be non-empty and not
// "epoch" or "step" (errors wrap ErrFormat).
func (l *MetricsLog) Write(r Record) error {
	if err := r.validate(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return fmt.Errorf("report: write %s: %w", l.name, os.ErrClosed)
	}
	l.buf = append(r.appendJSON(l.buf[:0]), '\n')
	if _, err := l.w.Write(l.buf); err != nil {
		return fmt.Errorf("report: write %s: %w", l.name, err)
	}
	return nil
}

// Close closes the underlying file (or io.Closer). Writes after Close fail.
func (l *MetricsLog) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w == nil {
		return nil
	}
	l.w = nil
	if l.closer != nil {
		if err := l.closer.Close(); err != nil {
			return fmt.Errorf("report: close %s: %w", l.name, err)
		}
	}
	return nil
}
