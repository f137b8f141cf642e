package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Parallel splits the range [0, n) into at most GOMAXPROCS contiguous chunks of at
// least grain items and calls fn(lo, hi) for each, concurrently, returning when all
// are done. Small ranges run inline on the caller's goroutine. Every index in
// [0, n) is covered by exactly one call. A panic in fn is re-raised on the caller's
// goroutine once all chunks have finished.
//
// The chunks run on a persistent worker pool (see pool) rather than on fresh
// goroutines: the caller always runs chunks itself and only borrows workers that are
// idle, so nested calls cannot deadlock.
func Parallel(n, grain int, fn func(lo, hi int)) {
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
	j := jobPool.Get().(*job)
	j.fn = fn
	j.n = n
	j.size = (n + workers - 1) / workers
	run(j, (n+j.size-1)/j.size)
	j.fn = nil
	jobPool.Put(j)
}

// chunkRunner is a unit of parallel work split into numbered chunks; Sgemm uses it
// so that a call does not allocate a closure.
type chunkRunner interface {
	runChunk(c int)
}

// job is one parallel call in flight: either a range function (fn over [0, n) in
// chunks of size) or a chunkRunner. Jobs are recycled through jobPool.
type job struct {
	fn      func(lo, hi int)
	n, size int
	r       chunkRunner

	chunks  int64
	next    atomic.Int64 // next chunk to hand out
	pending atomic.Int32 // borrowed workers not yet finished
	wg      sync.WaitGroup
	mu      sync.Mutex
	panicV  any // first panic raised by a chunk
	panics  bool
}

var jobPool = sync.Pool{New: func() any { return new(job) }}

func (j *job) runChunk(c int) {
	if j.r != nil {
		j.r.runChunk(c)
		return
	}
	lo := c * j.size
	j.fn(lo, min(lo+j.size, j.n))
}

// work hands out chunks until none are left, recording the first panic.
func (j *job) work() {
	defer func() {
		if v := recover(); v != nil {
			j.mu.Lock()
			if !j.panics {
				j.panics, j.panicV = true, v
			}
			j.mu.Unlock()
			// Drain the remaining chunks so that the caller does not wait for them.
			j.next.Store(j.chunks)
		}
	}()
	for {
		c := j.next.Add(1) - 1
		if c >= j.chunks {
			return
		}
		j.runChunk(int(c))
	}
}

// runTask runs r's chunks 0..chunks-1 on the caller and idle pool workers.
func runTask(r chunkRunner, chunks int) {
	if chunks <= 1 {
		if chunks == 1 {
			r.runChunk(0)
		}
		return
	}
	j := jobPool.Get().(*job)
	j.r = r
	run(j, chunks)
	j.r = nil
	jobPool.Put(j)
}

// run executes j's chunks, borrowing up to chunks-1 idle workers, and waits.
func run(j *job, chunks int) {
	j.chunks = int64(chunks)
	j.next.Store(0)
	j.panics, j.panicV = false, nil
	borrowed := thePool.borrow(j, chunks-1)
	j.work()
	if borrowed > 0 {
		// Spin briefly: small jobs finish within microseconds and parking the
		// caller would cost a futex round trip.
		for i := 0; i < spinWait && j.pending.Load() != 0; i++ {
			runtime.Gosched()
		}
		j.wg.Wait()
	}
	if j.panics {
		v := j.panicV
		j.panicV = nil
		panic(v)
	}
}
