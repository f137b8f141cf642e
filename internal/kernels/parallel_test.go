package kernels

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/internal/cputime"
)

// TestParallelCoversOnce checks that every index is passed to fn exactly once,
// that chunks are non-empty and hold at least grain items (except possibly one),
// and that there are at most GOMAXPROCS of them.
func TestParallelCoversOnce(t *testing.T) {
	for _, procs := range []int{1, 2, 5} {
		prev := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 2, 3, 7, 64, 1001} {
			for _, grain := range []int{-1, 1, 3, 64, 5000} {
				t.Run(fmt.Sprintf("p%d/n%d/g%d", procs, n, grain), func(t *testing.T) {
					hits := make([]atomic.Int32, n)
					var calls, small atomic.Int32
					Parallel(n, grain, func(lo, hi int) {
						calls.Add(1)
						if lo >= hi {
							t.Errorf("empty chunk [%d, %d)", lo, hi)
						}
						if hi-lo < grain {
							small.Add(1)
						}
						for i := lo; i < hi; i++ {
							hits[i].Add(1)
						}
					})
					for i := range hits {
						if h := hits[i].Load(); h != 1 {
							t.Fatalf("index %d covered %d times", i, h)
						}
					}
					if c := int(calls.Load()); c > procs || (n > 0 && c == 0) || (n == 0 && c != 0) {
						t.Errorf("%d chunks for n=%d with GOMAXPROCS=%d", c, n, procs)
					}
					if s := small.Load(); s > 1 {
						t.Errorf("%d chunks smaller than grain %d", s, grain)
					}
				})
			}
		}
		runtime.GOMAXPROCS(prev)
	}
}

// TestParallelNestedConcurrent runs nested Parallel calls from several goroutines
// at once: the pool must neither deadlock nor lose or repeat work.
func TestParallelNestedConcurrent(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	const outer, inner = 6, 50
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for rep := 0; rep < 200; rep++ {
				var sum atomic.Int64
				Parallel(outer, 1, func(lo, hi int) {
					for o := lo; o < hi; o++ {
						Parallel(inner, 1, func(lo, hi int) {
							for i := lo; i < hi; i++ {
								sum.Add(int64(o*inner + i))
							}
						})
					}
				})
				if want := int64(outer*inner*(outer*inner-1)) / 2; sum.Load() != want {
					t.Errorf("sum %d, want %d", sum.Load(), want)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// TestParallelPanic checks that a panic in a chunk reaches the caller and that
// the pool keeps working afterwards.
func TestParallelPanic(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	for chunk := 0; chunk < 2; chunk++ {
		func() {
			defer func() {
				if v := recover(); v != "boom" {
					t.Errorf("recovered %v, want boom", v)
				}
			}()
			Parallel(2, 1, func(lo, hi int) {
				if lo == chunk {
					panic("boom")
				}
			})
			t.Errorf("no panic from chunk %d", chunk)
		}()
	}
	var n atomic.Int32
	Parallel(10, 1, func(lo, hi int) { n.Add(int32(hi - lo)) })
	if n.Load() != 10 {
		t.Errorf("after panic: covered %d of 10", n.Load())
	}
}

// spawnParallel is the previous implementation (a goroutine per chunk), kept as
// the baseline of BenchmarkParallel.
func spawnParallel(n, grain int, fn func(lo, hi int)) {
	if grain < 1 {
		grain = 1
	}
	workers := runtime.GOMAXPROCS(0)
	if w := (n + grain - 1) / grain; w < workers {
		workers = w
	}
	if workers <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := chunk; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(lo, hi)
		}()
	}
	fn(0, min(chunk, n))
	wg.Wait()
}

// busyWork returns a chunk function of about 10 ns of arithmetic per item
// of sink, for the benchmarks.
func busyWork(sink []float32) func(lo, hi int) {
	return func(lo, hi int) {
		for i := lo; i < hi; i++ {
			x := sink[i]
			for r := 0; r < 8; r++ {
				x = x*0.999 + 1
			}
			sink[i] = x
		}
	}
}

// BenchmarkParallel measures one parallel call of two chunks whose work takes
// about us microseconds in total, for the pool and for the goroutine-per-call
// baseline: us=0 is pure overhead.
func BenchmarkParallel(b *testing.B) {
	impls := []struct {
		name string
		f    func(n, grain int, fn func(lo, hi int))
	}{{"pool", Parallel}, {"spawn", spawnParallel}}
	for _, us := range []int{0, 2, 10, 50} {
		for _, im := range impls {
			b.Run(fmt.Sprintf("%s/us%d", im.name, us), func(b *testing.B) {
				n := 2 * max(1, us*100) // ~10 ns per item
				sink := make([]float32, n)
				fn := busyWork(sink)
				b.ReportAllocs()
				for b.Loop() {
					im.f(n, n/2, fn)
				}
			})
		}
	}
}

// TestSparseCallsPark checks that calls far apart do not pay for the
// workers' full idle budget each: 40 small calls 3 ms apart must cost the
// process well under spinIdle of CPU per call (with a full idle poll after
// every call they cost more than spinIdle each).
func TestSparseCallsPark(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 || spinIdle <= spinIdleShort || cputime.Process() == 0 {
		t.Skip("needs two cores, long idle budgets and the process's CPU time")
	}
	sink := make([]float32, 2000)
	fn := func(lo, hi int) {
		for i := lo; i < hi; i++ {
			sink[i] = sink[i]*0.5 + 1
		}
	}
	Parallel(len(sink), len(sink)/2, fn) // start the workers
	time.Sleep(3 * time.Millisecond)
	const calls = 40
	c0 := cputime.Process()
	for range calls {
		Parallel(len(sink), len(sink)/2, fn)
		time.Sleep(3 * time.Millisecond)
	}
	if per := (cputime.Process() - c0) / calls; per > spinIdle/2 {
		t.Errorf("%v of CPU per call 3 ms apart, want well under the idle budget %v", per, spinIdle)
	}
}

// BenchmarkParallelSparse measures what a parallel call costs when calls come
// far apart, as a server's exact searches do: two chunks of about 100 us
// each, then gap of sleep. It reports the process's CPU time per call (cpu-us,
// the work's 200 us plus whatever the pool's workers poll while idle) and the
// call's wall time (wall-us). Run it on a quiet machine:
//
//	go test -run XXX -bench ParallelSparse -benchtime 300x ./internal/kernels
func BenchmarkParallelSparse(b *testing.B) {
	for _, gap := range []time.Duration{100 * time.Microsecond, 3 * time.Millisecond} {
		b.Run(fmt.Sprintf("gap%dus", gap.Microseconds()), func(b *testing.B) {
			n := 2 * 10000 // ~10 ns per item: ~100 us per chunk
			sink := make([]float32, n)
			fn := busyWork(sink)
			Parallel(n, n/2, fn) // start the workers
			var wall time.Duration
			c0 := cputime.Process()
			for b.Loop() {
				t0 := time.Now()
				Parallel(n, n/2, fn)
				wall += time.Since(t0)
				time.Sleep(gap)
			}
			cpu := cputime.Process() - c0
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/call")
			b.ReportMetric(float64(wall.Microseconds())/float64(b.N), "wall-us/call")
		})
	}
}
