package report

import (
	"bytes"
	"sync"
	"testing"
)

// TestConcurrentWriters: lines and events from several goroutines never
// interleave (run with -race).
func TestConcurrentWriters(t *testing.T) {
	var logBuf, evBuf bytes.Buffer
	l := NewMetricsLog(&logBuf)
	ew, err := NewEventStream(&evBuf, nil)
	if err != nil {
		t.Fatal(err)
	}
	const workers, each = 4, 50
	var wg sync.WaitGroup
	for g := range workers {
		wg.Go(func() {
			for i := range each {
				r := Record{Epoch: g, Step: int64(i), Values: map[string]float64{"loss": float64(i), "worker": float64(g)}}
				if err := l.Write(r); err != nil {
					t.Error(err)
				}
				if err := ew.Record(r); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	ew.Close()
	recs, err := ReadMetrics(&logBuf)
	if err != nil || len(recs) != workers*each {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	if evs := readTFRecords(t, evBuf.Bytes()); len(evs) != 1+workers*each {
		t.Fatalf("%d events, want %d", len(evs), 1+workers*each)
	}
}
