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
// goroutine once the other chunks have finished (chunks not yet started are
// skipped).
//
// The chunks run on a persistent worker pool rather than on fresh goroutines (see
// the package documentation): the caller always takes chunks itself and only
// borrows workers that are idle, so nested and concurrent calls cannot deadlock.
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
	j := newJob()
	j.fn = fn
	j.n = n
	j.size = (n + workers - 1) / workers
	j.run((n + j.size - 1) / j.size)
}

// chunkRunner is a unit of parallel work split into numbered chunks; Sgemm uses it
// so that a call does not allocate a closure.
type chunkRunner interface {
	runChunk(c int)
}

// runTask runs r's chunks 0..chunks-1 on the caller and idle pool workers.
func runTask(r chunkRunner, chunks int) {
	if chunks <= 1 {
		if chunks == 1 {
			r.runChunk(0)
		}
		return
	}
	j := newJob()
	j.r = r
	j.run(chunks)
}

// job is one parallel call in flight: either a range function (fn over [0, n) in
// chunks of size) or a chunkRunner. Chunks are handed out through next to whoever
// asks first, the caller included, and counted in done; the goroutine finishing
// the last chunk signals finished. A borrowed worker that starts late finds no
// chunk left and just drops its reference: jobs are recycled through jobPool when
// the last reference (caller's or workers') goes.
type job struct {
	fn      func(lo, hi int)
	n, size int
	r       chunkRunner

	chunks   int64
	next     atomic.Int64 // next chunk to hand out
	done     atomic.Int64 // chunks finished or skipped
	refs     atomic.Int32 // caller + borrowed workers still holding the job
	finished chan struct{}

	mu     sync.Mutex
	panics bool
	panicV any // first panic raised by a chunk
}

var jobPool = sync.Pool{New: func() any { return &job{finished: make(chan struct{}, 1)} }}

func newJob() *job {
	j := jobPool.Get().(*job)
	j.refs.Store(1)
	return j
}

// release drops one reference and recycles j after the last.
func (j *job) release() {
	if j.refs.Add(-1) == 0 {
		j.fn, j.r, j.panicV, j.panics = nil, nil, nil, false
		jobPool.Put(j)
	}
}

func (j *job) runChunk(c int) {
	if j.r != nil {
		j.r.runChunk(c)
		return
	}
	lo := c * j.size
	j.fn(lo, min(lo+j.size, j.n))
}

// complete counts d more chunks as done and signals when all are.
func (j *job) complete(d int64) {
	if d > 0 && j.done.Add(d) == j.chunks {
		j.finished <- struct{}{}
	}
}

// work takes chunks until none are left. After a panic it records the value,
// skips the chunks nobody has started, and returns.
func (j *job) work() {
	defer func() {
		if v := recover(); v != nil {
			j.mu.Lock()
			if !j.panics {
				j.panics, j.panicV = true, v
			}
			j.mu.Unlock()
			skipped := j.chunks - min(j.next.Swap(j.chunks), j.chunks)
			j.complete(1 + skipped)
		}
	}()
	for {
		c := j.next.Add(1) - 1
		if c >= j.chunks {
			return
		}
		j.runChunk(int(c))
		j.complete(1)
	}
}

// run executes the job's chunks with up to chunks-1 borrowed workers, waits for
// all of them, releases the caller's reference and re-raises a chunk's panic.
func (j *job) run(chunks int) {
	j.chunks = int64(chunks)
	j.next.Store(0)
	j.done.Store(0)
	thePool.borrow(j, chunks-1)
	j.work()
	// Spin briefly before parking: small jobs finish within microseconds and a
	// futex round trip would cost more.
	spinUntil(func() bool { return j.done.Load() == j.chunks }, spinWait)
	<-j.finished
	panics, v := j.panics, j.panicV
	j.release()
	if panics {
		panic(v)
	}
}
