package data

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
)

// FillFunc writes example i into dst (length Dim), e.g. by decoding it and
// applying random augmentations drawn from rng. It runs on a loader worker
// goroutine, concurrently with other calls, and must not keep dst. dst is
// zeroed before the call. For several views of one example (SimCLR's two
// augmentations), set Dim to views*C*H*W and write the views one after
// another.
type FillFunc func(rng *rand.Rand, i int, dst []float32)

// LoaderConfig configures NewLoader.
type LoaderConfig struct {
	Sampler  Sampler  // gives each epoch's batches of example indices
	Dim      int      // float32 values per example
	Fill     FillFunc // fills one example
	Workers  int      // goroutines running Fill; 0 means GOMAXPROCS
	Prefetch int      // batches prepared ahead of the consumer; 0 means 2
	Seed     uint64   // seeds the per-example random generators
}

// Batch is one batch handed out by Loader.Epoch. It is valid until the loop
// body that received it returns: its memory is then recycled, so copy what
// must outlive the iteration.
type Batch struct {
	Epoch int
	Step  int       // batch number within the epoch, from 0
	Index []int     // example indices, as the sampler gave them
	X     []float32 // (len(Index), Dim) row-major
}

// Loader runs FillFunc on a pool of goroutines to build batches ahead of the
// training step, with bounded memory: at most Prefetch batches are being
// built or waiting, plus the one the consumer holds, and their buffers are
// reused.
//
// # Determinism
//
// The generator handed to Fill for the example at position p of epoch e (p
// counts examples across the epoch's batches) is seeded from (Seed, e, p)
// alone, so the batches are the same for the same seed whatever the number of
// workers or the timing.
type Loader struct {
	cfg   LoaderConfig
	slots []*slot
	busy  atomic.Bool
}

// slot is one reusable batch buffer.
type slot struct {
	batch   Batch
	pos0    int           // epoch position of the batch's first example
	pending atomic.Int32  // chunks still being filled
	done    chan struct{} // closed when the batch is filled
	mu      sync.Mutex
	err     error
}

// NewLoader validates cfg and allocates the batch buffers lazily.
func NewLoader(cfg LoaderConfig) (*Loader, error) {
	if cfg.Sampler == nil || cfg.Fill == nil {
		return nil, errors.New("data: loader: Sampler and Fill are required")
	}
	if cfg.Dim < 1 {
		return nil, fmt.Errorf("data: loader: Dim %d, want >= 1", cfg.Dim)
	}
	if cfg.Workers < 0 || cfg.Prefetch < 0 {
		return nil, fmt.Errorf("data: loader: Workers %d, Prefetch %d, want >= 0", cfg.Workers, cfg.Prefetch)
	}
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if cfg.Prefetch == 0 {
		cfg.Prefetch = 2
	}
	l := &Loader{cfg: cfg, slots: make([]*slot, cfg.Prefetch+1)}
	for i := range l.slots {
		l.slots[i] = &slot{}
	}
	return l, nil
}

type job struct {
	s      *slot
	lo, hi int // example range within the batch
}

// Epoch returns an iterator over the batches of epoch, in sampler order:
//
//	for b, err := range loader.Epoch(ctx, e) {
//		if err != nil { return err }
//		train(b.X, b.Index)
//	}
//
// The goroutines start with the loop and have all exited when it ends, by
// exhaustion, break, a Fill panic (reported as an error) or ctx's cancellation
// (reported as ctx.Err()). One epoch runs at a time per Loader.
func (l *Loader) Epoch(ctx context.Context, epoch int) iter.Seq2[*Batch, error] {
	return func(yield func(*Batch, error) bool) {
		if !l.busy.CompareAndSwap(false, true) {
			yield(nil, errors.New("data: loader: another epoch is still running"))
			return
		}
		defer l.busy.Store(false)
		if err := ctx.Err(); err != nil {
			yield(nil, err)
			return
		}
		batches := l.cfg.Sampler.Batches(epoch)
		ctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		defer func() {
			cancel()
			wg.Wait()
		}()
		free := make(chan *slot, len(l.slots))
		for _, s := range l.slots {
			free <- s
		}
		ready := make(chan *slot, len(l.slots))
		jobs := make(chan job, len(l.slots)*l.cfg.Workers)
		for range l.cfg.Workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				l.work(ctx, epoch, jobs)
			}()
		}
		var complete atomic.Bool // set when every batch has been dispatched
		wg.Add(1)
		go func() {
			defer wg.Done()
			if l.dispatch(ctx, epoch, batches, free, ready, jobs) {
				complete.Store(true)
			}
			close(ready)
		}()
		for {
			var s *slot
			select {
			case s = <-ready:
			case <-ctx.Done():
				yield(nil, ctx.Err())
				return
			}
			if s == nil { // ready closed
				if !complete.Load() {
					yield(nil, ctx.Err())
				}
				return
			}
			select {
			case <-s.done:
			case <-ctx.Done():
				yield(nil, ctx.Err())
				return
			}
			if s.err != nil {
				yield(nil, s.err)
				return
			}
			if !yield(&s.batch, nil) {
				return
			}
			free <- s
		}
	}
}

// dispatch hands batches to free slots in order and splits each into jobs. It
// reports whether it dispatched them all (false when ctx was cancelled).
func (l *Loader) dispatch(ctx context.Context, epoch int, batches [][]int, free, ready chan *slot, jobs chan<- job) bool {
	defer close(jobs)
	pos := 0
	for step, idx := range batches {
		var s *slot
		select {
		case s = <-free:
		case <-ctx.Done():
			return false
		}
		n := len(idx) * l.cfg.Dim
		if cap(s.batch.X) < n {
			s.batch.X = make([]float32, n)
		}
		s.batch = Batch{Epoch: epoch, Step: step, Index: idx, X: s.batch.X[:n]}
		s.pos0 = pos
		s.err = nil
		s.done = make(chan struct{})
		pos += len(idx)
		chunk := max(1, (len(idx)+l.cfg.Workers-1)/l.cfg.Workers)
		nj := (len(idx) + chunk - 1) / chunk
		if nj == 0 {
			close(s.done)
		}
		s.pending.Store(int32(nj))
		ready <- s // never blocks: ready has room for every slot
		for lo := 0; lo < len(idx); lo += chunk {
			select {
			case jobs <- job{s: s, lo: lo, hi: min(lo+chunk, len(idx))}:
			case <-ctx.Done():
				return false
			}
		}
	}
	return true
}

// work fills the examples of the jobs it receives.
func (l *Loader) work(ctx context.Context, epoch int, jobs <-chan job) {
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	d := l.cfg.Dim
	for {
		var j job
		var ok bool
		select {
		case j, ok = <-jobs:
			if !ok {
				return
			}
		case <-ctx.Done():
			return
		}
		s := j.s
		func() {
			defer func() {
				if r := recover(); r != nil {
					s.mu.Lock()
					if s.err == nil {
						s.err = fmt.Errorf("data: loader: Fill panicked on epoch %d, batch %d: %v\n%s", epoch, s.batch.Step, r, debug.Stack())
					}
					s.mu.Unlock()
				}
			}()
			for p := j.lo; p < j.hi; p++ {
				pcg.Seed(exampleSeeds(l.cfg.Seed, epoch, s.pos0+p))
				dst := s.batch.X[p*d : (p+1)*d : (p+1)*d]
				clear(dst)
				l.cfg.Fill(rng, s.batch.Index[p], dst)
			}
		}()
		if s.pending.Add(-1) == 0 {
			close(s.done)
		}
	}
}
