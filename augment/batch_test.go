package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// runBatch makes all views of n uint8 images with the given grain and
// GOMAXPROCS, returning one buffer per view.
func runBatch(t *testing.T, m *MultiView, grain, procs int, seed uint64, src []uint8, s Shape, idx []int) [][]float32 {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	b := Must(NewBatch(m, grain))
	n := len(src) / s.Len()
	if idx != nil {
		n = len(idx)
	}
	dst := make([][]float32, m.Len())
	for v := range dst {
		dst[v] = make([]float32, n*m.OutShape(v, s).Len())
	}
	b.Uint8(seed, dst, src, s, idx)
	return dst
}

func randBytes(rng *rand.Rand, n int) []uint8 {
	b := make([]uint8, n)
	for i := range b {
		b[i] = uint8(rng.IntN(256))
	}
	return b
}

func TestBatchIndependentOfWorkers(t *testing.T) {
	s := Shape{1, 28, 28}
	src := randBytes(newRNG(20), 37*s.Len())
	pipe := Must(NewCompose(Must(NewPadCrop(4)), Must(NewGaussianNoise(0.1, false))))
	m := Must(NewTwoViews(pipe, pipe))
	ref := runBatch(t, m, 1000, 1, 7, src, s, nil)
	for _, c := range []struct{ grain, procs int }{{1, 2}, {3, 2}, {0, 2}, {1, 1}, {5, 4}} {
		t.Run(fmt.Sprintf("grain%d/procs%d", c.grain, c.procs), func(t *testing.T) {
			got := runBatch(t, m, c.grain, c.procs, 7, src, s, nil)
			for v := range got {
				assertClose(t, fmt.Sprint("view ", v), got[v], ref[v], 0)
			}
		})
	}
	// Each view of example i replays from seedView(seed, i, v) alone.
	var pcg rand.PCG
	rng := rand.New(&pcg)
	img := make([]float32, s.Len())
	out := make([]float32, s.Len())
	for i := 0; i < 37; i++ {
		ToFloat(img, src[i*s.Len():(i+1)*s.Len()])
		for v := 0; v < 2; v++ {
			seedView(&pcg, 7, i, v)
			pipe.Apply(rng, out, img, s)
			assertClose(t, fmt.Sprintf("example %d view %d", i, v), ref[v][i*s.Len():(i+1)*s.Len()], out, 0)
		}
	}
	if maxAbsDiff(ref[0], ref[1]) == 0 {
		t.Fatal("the two views are equal")
	}
	if other := runBatch(t, m, 0, 2, 8, src, s, nil); maxAbsDiff(other[0], ref[0]) == 0 {
		t.Fatal("seed does not change the views")
	}
}

func TestBatchGatherAndFloat(t *testing.T) {
	s := Shape{3, 5, 6}
	src := randBytes(newRNG(21), 10*s.Len())
	idx := []int{9, 0, 9, 4}
	pipe := Must(NewCompose(Must(NewHorizontalFlip(0.5)), Must(NewRandomResizedCrop(4, 4, [2]float64{0.5, 1}, [2]float64{0.8, 1.25}))))
	m := Must(NewMultiCrop(pipe, Must(NewRandomResizedCrop(2, 3, [2]float64{0.1, 0.3}, [2]float64{1, 2})), 2, 3))
	got := runBatch(t, m, 1, 2, 3, src, s, idx)
	if len(got) != 5 || len(got[0]) != 4*3*16 || len(got[4]) != 4*3*6 {
		t.Fatalf("multi-crop buffer lengths %d, %d, %d", len(got), len(got[0]), len(got[4]))
	}
	// Float on the gathered, converted images gives the same views.
	f := make([]float32, len(idx)*s.Len())
	for i, j := range idx {
		for k := 0; k < s.Len(); k++ {
			f[i*s.Len()+k] = float32(src[j*s.Len()+k]) / 255
		}
	}
	dst := make([][]float32, m.Len())
	for v := range dst {
		dst[v] = make([]float32, len(idx)*m.OutShape(v, s).Len())
	}
	Must(NewBatch(m, 2)).Float(3, dst, f, s, nil)
	for v := range dst {
		assertClose(t, fmt.Sprint("view ", v), dst[v], got[v], 0)
	}
	b := Must(NewBatch(m, 0))
	mustPanic(t, "index out of range", func() { b.Uint8(1, got, src, s, []int{10, 0, 0, 0}) })
	mustPanic(t, "wrong view count", func() { b.Uint8(1, got[:2], src, s, idx) })
	mustPanic(t, "short view buffer", func() { b.Uint8(1, append([][]float32{got[0][:5]}, got[1:]...), src, s, idx) })
	if _, err := NewMultiCrop(pipe, pipe, 0, 2); err == nil {
		t.Fatal("zero global crops accepted")
	}
}

// TestW1Views checks the W1 benchmark augmentation view by view: each view
// is its image shifted by at most 4 pixels with zeros filled in, plus
// unclamped N(0, 0.01) noise.
func TestW1Views(t *testing.T) {
	s := Shape{1, 28, 28}
	const n = 64
	src := randBytes(newRNG(22), n*s.Len())
	b := w1Batch(t, Must(NewGaussianNoise(0.1, false)))
	views := runBatch(t, b.Views(), 0, 2, 11, src, s, nil)
	img := make([]float32, s.Len())
	shifted := make([]float32, s.Len())
	var s2 float64
	var count, below int
	seen := map[[2]int]bool{}
	for i := 0; i < n; i++ {
		ToFloat(img, src[i*s.Len():(i+1)*s.Len()])
		for v := range views {
			view := views[v][i*s.Len() : (i+1)*s.Len()]
			best, bestErr := [2]int{}, math.Inf(1)
			for dy := -4; dy <= 4; dy++ {
				for dx := -4; dx <= 4; dx++ {
					Shift(shifted, img, s, dy, dx)
					var e float64
					for k := range view {
						d := float64(view[k] - shifted[k])
						e += d * d
					}
					if e < bestErr {
						best, bestErr = [2]int{dy, dx}, e
					}
				}
			}
			seen[best] = true
			s2 += bestErr
			count += s.Len()
			for _, x := range view {
				if x < 0 {
					below++
				}
			}
		}
	}
	if sd := math.Sqrt(s2 / float64(count)); math.Abs(sd-0.1) > 0.003 {
		t.Fatalf("residual noise sd %g, want 0.1", sd)
	}
	if below == 0 {
		t.Fatal("no negative values: the noise looks clamped")
	}
	if len(seen) < 50 {
		t.Fatalf("only %d distinct shifts in %d views", len(seen), 2*n)
	}
}

func TestBatchAllocations(t *testing.T) {
	s := Shape{1, 28, 28}
	src := randBytes(newRNG(23), 300*s.Len())
	b := w1Batch(t, Must(NewGaussianNoise(0.1, false)))
	out := make([]float32, 2*256*s.Len())
	dst := [][]float32{out[:256*s.Len()], out[256*s.Len():]}
	idx := make([]int, 256)
	for i := range idx {
		idx[i] = (i * 7) % 300
	}
	b.Uint8(1, dst, src, s, idx)
	// Parallel's closure may escape; nothing per image may allocate.
	if a := testing.AllocsPerRun(20, func() { b.Uint8(1, dst, src, s, idx) }); a > 4 {
		t.Fatalf("%g allocations per batch", a)
	}
}
