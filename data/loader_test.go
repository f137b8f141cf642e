package data

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"
)

// fixedSampler returns the same batches every epoch.
type fixedSampler [][]int

func (f fixedSampler) Batches(int) [][]int { return f }

const testDim = 3

// testFill writes the index and two random draws.
func testFill(rng *rand.Rand, i int, dst []float32) {
	dst[0] = float32(i)
	dst[1] = rng.Float32()
	dst[2] = float32(rng.IntN(1000))
}

type copied struct {
	epoch, step int
	index       []int
	x           []float32
}

// collect runs one epoch and copies every batch.
func collect(t *testing.T, l *Loader, epoch int) []copied {
	t.Helper()
	var out []copied
	for b, err := range l.Epoch(context.Background(), epoch) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, copied{b.Epoch, b.Step, slices.Clone(b.Index), slices.Clone(b.X)})
	}
	return out
}

func newTestLoader(t testing.TB, s Sampler, workers, prefetch int, seed uint64, fill FillFunc) *Loader {
	t.Helper()
	l, err := NewLoader(LoaderConfig{Sampler: s, Dim: testDim, Fill: fill, Workers: workers, Prefetch: prefetch, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLoaderDeterministic(t *testing.T) {
	sm, _ := NewRandom(103, 10, false, 7)
	for _, sampler := range []Sampler{sm, fixedSampler{{4}, {0, 1, 2, 3, 5}, {}, {6, 6}}} {
		for epoch := range 2 {
			one := collect(t, newTestLoader(t, sampler, 1, 1, 99, testFill), epoch)
			three := collect(t, newTestLoader(t, sampler, 3, 4, 99, testFill), epoch)
			if !slices.EqualFunc(one, three, func(a, b copied) bool {
				return a.epoch == b.epoch && a.step == b.step && slices.Equal(a.index, b.index) && slices.Equal(a.x, b.x)
			}) {
				t.Fatalf("epoch %d: 1 worker and 3 workers differ", epoch)
			}
			// Oracle: the batches are the sampler's, in order, and the example
			// at epoch position p got the generator seeded from (seed, epoch, p).
			want := sampler.Batches(epoch)
			if len(one) != len(want) {
				t.Fatalf("%d batches, want %d", len(one), len(want))
			}
			pos := 0
			for s, b := range one {
				if b.step != s || b.epoch != epoch || !slices.Equal(b.index, want[s]) || len(b.x) != len(want[s])*testDim {
					t.Fatalf("batch %d: %+v, want indices %v", s, b, want[s])
				}
				for k, i := range b.index {
					exp := make([]float32, testDim)
					testFill(rand.New(rand.NewPCG(exampleSeeds(99, epoch, pos))), i, exp)
					if !slices.Equal(b.x[k*testDim:(k+1)*testDim], exp) {
						t.Fatalf("batch %d example %d: %v, want %v", s, k, b.x[k*testDim:(k+1)*testDim], exp)
					}
					pos++
				}
			}
		}
	}
	a := collect(t, newTestLoader(t, sm, 2, 2, 1, testFill), 0)
	b := collect(t, newTestLoader(t, sm, 2, 2, 1, testFill), 1)
	c := collect(t, newTestLoader(t, sm, 2, 2, 2, testFill), 0)
	if slices.Equal(a[0].x, b[0].x) || slices.Equal(a[0].x, c[0].x) {
		t.Fatal("epochs or seeds give the same random draws")
	}
}

func TestLoaderBoundedBuffers(t *testing.T) {
	sm, _ := NewSequential(500, 8)
	for _, prefetch := range []int{1, 3} {
		l := newTestLoader(t, sm, 3, prefetch, 0, func(rng *rand.Rand, i int, dst []float32) {
			for k := range dst {
				if dst[k] != 0 {
					panic("dst not zeroed") // buffers are recycled but cleared
				}
			}
			testFill(rng, i, dst)
		})
		bufs := map[unsafe.Pointer]bool{}
		for range 2 {
			n := 0
			for b, err := range l.Epoch(context.Background(), 0) {
				if err != nil {
					t.Fatal(err)
				}
				bufs[unsafe.Pointer(&b.X[0])] = true
				n += len(b.Index)
				time.Sleep(50 * time.Microsecond) // a slow consumer lets the workers run ahead
			}
			if n != 500 {
				t.Fatalf("%d examples", n)
			}
		}
		if len(bufs) > prefetch+1 {
			t.Fatalf("prefetch %d: %d distinct buffers, want <= %d", prefetch, len(bufs), prefetch+1)
		}
	}
}

// waitGoroutines waits until the number of goroutines is at most n.
func waitGoroutines(t *testing.T, n int) {
	t.Helper()
	for range 200 {
		if runtime.NumGoroutine() <= n {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	buf := make([]byte, 1<<16)
	t.Fatalf("%d goroutines, want <= %d:\n%s", runtime.NumGoroutine(), n, buf[:runtime.Stack(buf, true)])
}

func TestLoaderStop(t *testing.T) {
	sm, _ := NewSequential(1000, 4)
	t.Run("break", func(t *testing.T) {
		base := runtime.NumGoroutine()
		l := newTestLoader(t, sm, 4, 3, 0, testFill)
		for b, err := range l.Epoch(context.Background(), 0) {
			if err != nil || b.Step == 5 {
				break
			}
		}
		waitGoroutines(t, base)
		if got := collect(t, l, 1); len(got) != 250 { // reusable after a break
			t.Fatalf("%d batches after a break", len(got))
		}
	})
	t.Run("cancel", func(t *testing.T) {
		base := runtime.NumGoroutine()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		l := newTestLoader(t, sm, 2, 2, 0, func(rng *rand.Rand, i int, dst []float32) {
			time.Sleep(100 * time.Microsecond)
		})
		var last error
		steps := 0
		for b, err := range l.Epoch(ctx, 0) {
			if err != nil {
				last = err
				continue // the iterator must stop by itself after an error
			}
			steps++
			if b.Step == 2 {
				cancel()
			}
		}
		if !errors.Is(last, context.Canceled) || steps > 3+3 {
			t.Fatalf("err %v after %d batches", last, steps)
		}
		waitGoroutines(t, base)
	})
	t.Run("cancelled before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		for _, err := range newTestLoader(t, sm, 2, 2, 0, testFill).Epoch(ctx, 0) {
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err %v", err)
			}
		}
	})
	t.Run("panic", func(t *testing.T) {
		base := runtime.NumGoroutine()
		l := newTestLoader(t, sm, 3, 2, 0, func(rng *rand.Rand, i int, dst []float32) {
			if i == 37 {
				panic("boom")
			}
		})
		var got error
		for _, err := range l.Epoch(context.Background(), 0) {
			if err != nil {
				got = err
			}
		}
		if got == nil || !strings.Contains(got.Error(), "Fill panicked on epoch 0, batch 9: boom") {
			t.Fatalf("err = %v", got)
		}
		waitGoroutines(t, base)
	})
	t.Run("one epoch at a time", func(t *testing.T) {
		l := newTestLoader(t, sm, 1, 1, 0, testFill)
		for range l.Epoch(context.Background(), 0) {
			for _, err := range l.Epoch(context.Background(), 1) {
				if err == nil || !strings.Contains(err.Error(), "another epoch") {
					t.Fatalf("nested epoch: %v", err)
				}
			}
			break
		}
	})
}

func TestNewLoaderErrors(t *testing.T) {
	sm, _ := NewSequential(10, 2)
	for _, c := range []LoaderConfig{
		{Dim: 1, Fill: testFill},
		{Sampler: sm, Dim: 1},
		{Sampler: sm, Fill: testFill},
		{Sampler: sm, Dim: 1, Fill: testFill, Workers: -1},
		{Sampler: sm, Dim: 1, Fill: testFill, Prefetch: -2},
	} {
		if _, err := NewLoader(c); err == nil {
			t.Errorf("%+v: no error", c)
		}
	}
}

// BenchmarkLoader measures the loader with an MNIST-sized fill: convert a
// 28x28 example to float32, random horizontal flip and brightness jitter.
func BenchmarkLoader(b *testing.B) {
	const n, batch = 4096, 256
	im := &Images{N: n, C: 1, H: 28, W: 28, Pix: make([]uint8, n*28*28), Labels: make([]int, n), ClassNames: []string{"0"}}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range im.Pix {
		im.Pix[i] = uint8(r.IntN(256))
	}
	fill := func(rng *rand.Rand, i int, dst []float32) {
		im.Example(i, dst)
		gain := 0.8 + 0.4*rng.Float32()
		flip := rng.IntN(2) == 1
		for y := range 28 {
			row := dst[y*28 : (y+1)*28]
			if flip {
				slices.Reverse(row)
			}
			for x := range row {
				row[x] *= gain
			}
		}
	}
	for _, workers := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			sm, _ := NewRandom(n, batch, true, 1)
			l, err := NewLoader(LoaderConfig{Sampler: sm, Dim: 28 * 28, Fill: fill, Workers: workers, Prefetch: 4, Seed: 3})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			examples := 0
			epoch := 0
			for b.Loop() {
				for bt, err := range l.Epoch(context.Background(), epoch) {
					if err != nil {
						b.Fatal(err)
					}
					examples += len(bt.Index)
				}
				epoch++
			}
			b.ReportMetric(float64(examples)/b.Elapsed().Seconds(), "examples/s")
		})
	}
}
