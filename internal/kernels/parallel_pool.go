package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Spin budgets. A worker that has just finished a job keeps polling for the next
// one for spinIdle before it parks on its channel, and a caller waits up to
// spinWait for the last chunks before it parks. Waking a parked goroutine on
// another core costs a futex round trip and an OS thread wake-up, tens of
// microseconds, and a training step alternates parallel products with serial
// element-wise work of 20-500 us. With budgets of 20 and 10 us the worker parked
// in every such gap and came late to the next product: a W2 step (the triplet
// MLP) ran faster on one thread than on two. With 1 ms and 200 us it stays hot
// across the gaps (fifth session, BenchmarkStep, median of five alternating
// runs on the 2-core Zen 5 box: W2 78k -> 94k img/s, W3 122k -> 159k; contrast
// bench W4 27k -> 34k, W1 unchanged). PyTorch's OpenMP threads spin for longer.
//
// A spinning thread burns a core that other programs may want, so the polls
// also yield to the OS (osYield every fourth poll; sched_yield on Linux): when
// another process is runnable on that CPU the kernel usually runs it. Two
// benchmark processes sharing the two cores then made 151k W2 img/s together
// with the long budgets against 133k with the short ones (W3 221k against
// 212k); without the OS yield the long budgets fell to 97k (W3 144k). Where
// osYield cannot reach the OS scheduler (not Linux) the short budgets stay.
//
// Calls that come far apart, as a server's exact searches do, would pay for a
// whole idle budget each. So a worker whose last job came later than spinIdle
// after the one before polls only spinIdleShort before it parks the next time
// (nextIdleBudget); a training step's products, a few hundred microseconds
// apart, keep the full budget. Eighth session, quiet machine:
// BenchmarkParallelSparse (calls of 2x60 us, 3 ms apart) 1,094 -> 136-162 us
// of CPU per call, wall time the same; `contrast serve` with a flat index of
// 100,000x128, one search every 10 ms: 4.3-4.5 -> 3.2-3.8 ms of CPU per search.
var spinIdle, spinWait = spinBudgets(osYields)

// spinIdleShort is the idle budget after a long gap between jobs.
var spinIdleShort, _ = spinBudgets(false)

// nextIdleBudget is how long a worker polls for its next job, given how long
// it waited for the last one: the full budget when jobs come close together,
// the short one when they do not.
func nextIdleBudget(waited time.Duration) time.Duration {
	if waited <= spinIdle {
		return spinIdle
	}
	return spinIdleShort
}

// spinBudgets returns the idle and wait budgets: long where polls yield to
// the OS, short elsewhere.
func spinBudgets(yields bool) (idle, wait time.Duration) {
	if yields {
		return 1000 * time.Microsecond, 200 * time.Microsecond
	}
	return 20 * time.Microsecond, 10 * time.Microsecond
}

// spinUntil polls done, yielding between polls (to the program's goroutines,
// and every fourth time to the OS), until it reports true (returns true) or
// budget has passed (returns false).
func spinUntil(done func() bool, budget time.Duration) bool {
	start := time.Now()
	for i := 1; ; i++ {
		if done() {
			return true
		}
		if i%16 == 0 && time.Since(start) > budget {
			return false
		}
		runtime.Gosched()
		if i%4 == 0 {
			osYield()
		}
	}
}

// Worker states.
const (
	workerSpinning int32 = iota // idle, polling job
	workerParked                // idle, blocked on wake
	workerBusy                  // borrowed
)

// worker is one persistent helper goroutine.
type worker struct {
	state atomic.Int32
	job   atomic.Pointer[job]
	wake  chan struct{}
}

// pool is the set of helper goroutines; it grows to GOMAXPROCS-1 on demand and
// never shrinks (surplus workers stay parked).
type pool struct {
	mu      sync.Mutex
	workers atomic.Pointer[[]*worker]
}

var thePool pool

// borrow hands j to at most max idle workers, taking a reference for each, and
// returns how many took it.
func (p *pool) borrow(j *job, max int) int {
	ws := p.ensure(runtime.GOMAXPROCS(0) - 1)
	got := 0
	for _, w := range ws {
		if got == max {
			break
		}
		s := w.state.Load()
		if s == workerBusy || !w.state.CompareAndSwap(s, workerBusy) {
			continue
		}
		j.refs.Add(1)
		w.job.Store(j)
		if s == workerParked {
			w.wake <- struct{}{}
		}
		got++
	}
	return got
}

// ensure starts workers until there are at least n and returns them.
func (p *pool) ensure(n int) []*worker {
	if ws := p.workers.Load(); ws != nil && len(*ws) >= n {
		return *ws
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var ws []*worker
	if cur := p.workers.Load(); cur != nil {
		ws = *cur
	}
	if len(ws) >= n {
		return ws
	}
	ws = append([]*worker(nil), ws...)
	for len(ws) < n {
		w := &worker{wake: make(chan struct{}, 1)}
		w.state.Store(workerBusy) // not borrowable until its loop starts
		ws = append(ws, w)
		go w.loop()
	}
	p.workers.Store(&ws)
	return ws
}

func (w *worker) loop() {
	w.state.Store(workerSpinning)
	budget := spinIdle
	for {
		var j *job
		idle := time.Now()
		spinUntil(func() bool { j = w.job.Load(); return j != nil }, budget)
		if j == nil {
			if w.state.CompareAndSwap(workerSpinning, workerParked) {
				<-w.wake
			}
			// Borrowed: the borrower stores the job right after its CAS.
			for j = w.job.Load(); j == nil; j = w.job.Load() {
				runtime.Gosched()
			}
		}
		budget = nextIdleBudget(time.Since(idle))
		w.job.Store(nil)
		j.work()
		w.state.Store(workerSpinning)
		j.release()
	}
}
