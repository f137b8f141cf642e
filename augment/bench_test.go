package augment

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/internal/cputime"
)

// w1Batch is the W1 benchmark's augmentation: two views per image, each a
// random crop after 4-pixel zero padding plus N(0, 0.1^2) noise, unclamped.
func w1Batch(tb testing.TB, noise Image) *Batch {
	tb.Helper()
	pipe := Must(NewCompose(Must(NewPadCrop(4)), noise))
	return Must(NewBatch(Must(NewTwoViews(pipe, pipe)), 0))
}

// normFloat64Noise is GaussianNoise drawing from rand.Rand.NormFloat64, kept
// as a benchmark baseline for the ziggurat path.
type normFloat64Noise struct{ std float32 }

func (g normFloat64Noise) OutShape(in Shape) Shape { return in }
func (g normFloat64Noise) InPlace() bool           { return true }
func (g normFloat64Noise) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	for i, v := range src {
		dst[i] = v + g.std*float32(rng.NormFloat64())
	}
}

// benchViews times making 2 views each of n random MNIST-shaped uint8 images
// gathered from a pool, as pytorch_reference.py's aug_step does (256 images
// -> 512 views per step). images/s counts source images, like the reference.
func benchViews(b *testing.B, bt *Batch, n int) {
	s := Shape{C: 1, H: 28, W: 28}
	const pool = 4096
	rng := rand.New(rand.NewPCG(1234, 0))
	src := make([]uint8, pool*s.Len())
	for i := range src {
		src[i] = uint8(rng.IntN(256))
	}
	views := bt.Views().Len()
	out := make([]float32, views*n*s.Len())
	dst := make([][]float32, views)
	for v := range dst {
		dst[v] = out[v*n*s.Len() : (v+1)*n*s.Len()]
	}
	idx := make([]int, n)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process().Seconds()
	for it := 0; it < b.N; it++ {
		for i := range idx {
			idx[i] = rng.IntN(pool)
		}
		bt.Uint8(uint64(it), dst, src, s, idx)
	}
	cpu := cputime.Process().Seconds() - cpu0
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N*n)/sec, "images/s")
	b.ReportMetric(float64(b.N*n*views)/sec, "views/s")
	if cpu > 0 {
		b.ReportMetric(float64(b.N*n)/cpu, "images/cpu-s")
	}
}

func BenchmarkW1Views(b *testing.B) {
	for _, c := range []struct {
		name  string
		noise Image
	}{
		{"ziggurat32", Must(NewGaussianNoise(0.1, false))},
		{"normfloat64", normFloat64Noise{std: 0.1}},
	} {
		b.Run(fmt.Sprintf("%s/n=256", c.name), func(b *testing.B) { benchViews(b, w1Batch(b, c.noise), 256) })
	}
}
