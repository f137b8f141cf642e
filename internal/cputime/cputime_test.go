//go:build unix

package cputime

import (
	"testing"
	"time"
)

// TestProcessCountsWork spins for 50 ms of wall time on one goroutine and
// checks that the process's CPU time grew by a good part of it.
func TestProcessCountsWork(t *testing.T) {
	c0, t0 := Process(), time.Now()
	x := 0
	for time.Since(t0) < 50*time.Millisecond {
		x++
	}
	used, wall := Process()-c0, time.Since(t0)
	if used < wall/10 { // a tenth: other tests may share the cores
		t.Errorf("CPU time grew by %v over %v of spinning (%d loops)", used, wall, x)
	}
}
