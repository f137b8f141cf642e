package report

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// EventWriter writes scalar summaries as a TensorBoard event file: a
// sequence of TFRecords, each holding a serialized tensorflow.Event; the
// first event carries file_version "brain.Event:2". Writes are buffered;
// Flush pushes them to the file so a running TensorBoard sees them. Safe for
// concurrent use. After a write error every later call returns that error.
type EventWriter struct {
	mu      sync.Mutex
	w       *bufio.Writer
	closer  io.Closer
	name    string
	now     func() time.Time
	rec     []byte // TFRecord being built
	ev      []byte // serialized Event
	scratch []byte // nested Summary
	vals    []scalar
	err     error
}

// EventFileName is the name TensorBoard's own writers use:
// events.out.tfevents.<unix seconds>.<hostname>.
func EventFileName(t time.Time, hostname string) string {
	// A name with a path separator would escape the directory.
	hostname = strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == 0 {
			return '_'
		}
		return r
	}, hostname)
	return fmt.Sprintf("events.out.tfevents.%d.%s", t.Unix(), hostname)
}

// NewEventWriter creates dir if needed and a new event file in it named by
// EventFileName (with a numeric suffix if a file of that name exists, since
// two writers can start within the same second), and writes the
// file_version event.
func NewEventWriter(dir string) (*EventWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report: tensorboard dir %q: %w", dir, err)
	}
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "localhost"
	}
	now := time.Now()
	base := filepath.Join(dir, EventFileName(now, host))
	path := base
	var f *os.File
	for i := 1; ; i++ {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrExist) || i > 1000 {
			return nil, fmt.Errorf("report: create %q: %w", path, err)
		}
		path = fmt.Sprintf("%s.%d", base, i)
	}
	w, err := NewEventStream(f, time.Now)
	if err != nil {
		f.Close()
		os.Remove(path)
		return nil, err
	}
	w.name = fmt.Sprintf("%q", path)
	return w, nil
}

// NewEventStream writes an event stream to w, stamping events with now
// (time.Now if nil), and writes the file_version event. Close closes w if it
// is an io.Closer.
func NewEventStream(w io.Writer, now func() time.Time) (*EventWriter, error) {
	if now == nil {
		now = time.Now
	}
	ew := &EventWriter{w: bufio.NewWriter(w), now: now, name: "event stream"}
	if c, ok := w.(io.Closer); ok {
		ew.closer = c
	}
	ew.mu.Lock()
	defer ew.mu.Unlock()
	ew.ev = appendFileVersionEvent(ew.ev[:0], ew.wallTime())
	if err := ew.writeEvent(); err != nil {
		return nil, err
	}
	if err := ew.flush(); err != nil {
		return nil, err
	}
	return ew, nil
}

// Name is the file path (quoted) or "event stream".
func (w *EventWriter) Name() string { return w.name }

func (w *EventWriter) wallTime() float64 {
	t := w.now()
	return float64(t.Unix()) + float64(t.Nanosecond())/1e9
}

// Scalar writes one event with a single scalar summary (stored as float32,
// as TensorBoard's simple_value is) for tag at step.
func (w *EventWriter) Scalar(tag string, step int64, value float64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.vals = append(w.vals[:0], scalar{tag, float32(value)})
	return w.writeSummary(step)
}

// Scalars writes one event holding every value in values, in sorted tag
// order, at step; nothing is written for an empty map.
func (w *EventWriter) Scalars(step int64, values map[string]float64) error {
	if len(values) == 0 {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.vals = w.vals[:0]
	for _, k := range sortedKeys(values) {
		w.vals = append(w.vals, scalar{k, float32(values[k])})
	}
	return w.writeSummary(step)
}

// Record writes r.Values at r.Step (see Scalars), so a training loop can
// send each metrics-log record to TensorBoard as well.
func (w *EventWriter) Record(r Record) error { return w.Scalars(r.Step, r.Values) }

func (w *EventWriter) writeSummary(step int64) error {
	if w.err != nil {
		return w.err
	}
	for _, v := range w.vals {
		if v.tag == "" {
			return fmt.Errorf("report: tensorboard scalar with an empty tag: %w", ErrFormat)
		}
	}
	w.ev, w.scratch = appendSummaryEvent(w.ev[:0], w.wallTime(), step, w.vals, w.scratch)
	return w.writeEvent()
}

func (w *EventWriter) writeEvent() error {
	if w.err != nil {
		return w.err
	}
	if w.w == nil {
		return fmt.Errorf("report: write %s: %w", w.name, os.ErrClosed)
	}
	w.rec = appendTFRecord(w.rec[:0], w.ev)
	if _, err := w.w.Write(w.rec); err != nil {
		w.err = fmt.Errorf("report: write %s: %w", w.name, err)
	}
	return w.err
}

// Flush writes buffered events to the underlying file.
func (w *EventWriter) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.flush()
}

func (w *EventWriter) flush() error {
	if w.err != nil {
		return w.err
	}
	if w.w == nil {
		return nil
	}
	if err := w.w.Flush(); err != nil {
		w.err = fmt.Errorf("report: write %s: %w", w.name, err)
	}
	return w.err
}

// Close flushes and closes the file. Writes after Close fail; a second
// Close does nothing.
func (w *EventWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.w == nil {
		return nil
	}
	err := w.flush()
	w.w = nil
	if w.closer != nil {
		if cerr := w.closer.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("report: close %s: %w", w.name, cerr)
		}
	}
	return err
}
