//go:build !race

package kernels

import (
	"runtime"
	"testing"
)

// TestSgemmNoAllocs checks that steady-state calls do not allocate, serial and
// parallel (sync.Pool drops items at random under the race detector, hence the
// build tag).
func TestSgemmNoAllocs(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	for _, s := range [][3]int{{16, 16, 16}, {200, 200, 200}, {50, 40, 3000}} {
		m, n, k := s[0], s[1], s[2]
		a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
		f := func() { Sgemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }
		f()
		if got := testing.AllocsPerRun(20, f); got > 0 {
			t.Errorf("Sgemm %v: %v allocs per call, want 0", s, got)
		}
		// Packing buffers must also survive garbage collections.
		g := func() { runtime.GC(); f() }
		if got := testing.AllocsPerRun(5, g); got > 0 {
			t.Errorf("Sgemm %v after GC: %v allocs per call, want 0", s, got)
		}
	}
}
