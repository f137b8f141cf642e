package kernels

import (
	"flag"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/cputime"
)

// benchShape is one SGEMM benchmark: op(A) (m, k), op(B) (k, n).
type benchShape struct {
	name           string
	transA, transB bool
	m, n, k        int
	explicit       bool // run only when -bench names it (too slow for a default run)
}

// benchShapes are the square sizes and the three products of the W1 convolution
// layer (3x3x32 -> 64 channels on a 416x416 map, im2col form): the forward pass
// (patches x weights), the weight gradient (patches^T x output gradient, inner
// dimension 173056) and the input gradient (output gradient x weights^T).
var benchShapes = []benchShape{
	{name: "128", m: 128, n: 128, k: 128},
	{name: "256", m: 256, n: 256, k: 256},
	{name: "512", m: 512, n: 512, k: 512},
	{name: "1024", m: 1024, n: 1024, k: 1024},
	{name: "4096", m: 4096, n: 4096, k: 4096, explicit: true},
	{name: "conv_fwd", m: 173056, n: 64, k: 288},
	{name: "conv_wgrad", transA: true, m: 288, n: 64, k: 173056},
	{name: "conv_dgrad", transB: true, m: 173056, n: 288, k: 64},
	// The same products in the pixel-major layout ag/conv.go uses (col stored
	// (288, 173056)): forward col^T x W^T, input gradient W^T x G, weight
	// gradient col x G^T.
	{name: "conv_fwd_TT", transA: true, transB: true, m: 173056, n: 64, k: 288},
	{name: "conv_dgrad_TN", transA: true, m: 288, n: 173056, k: 64},
	{name: "conv_wgrad_NT", transB: true, m: 288, n: 64, k: 173056},
	// The products of one step of the W2/W3 MLP (784-256-128, batch 256) as
	// ag.Linear issues them: forward x W^T per layer, the hidden layer's
	// input gradient G x W, and the weight gradients G^T x X.
	{name: "mlp_fwd1", transB: true, m: 256, n: 256, k: 784},
	{name: "mlp_fwd2", transB: true, m: 256, n: 128, k: 256},
	{name: "mlp_dx2", m: 256, n: 256, k: 128},
	{name: "mlp_dw2", transA: true, m: 128, n: 256, k: 256},
	{name: "mlp_dw1", transA: true, m: 256, n: 784, k: 256},
}

// selected reports whether the -bench pattern names s explicitly.
func selected(s string) bool {
	f := flag.Lookup("test.bench")
	return f != nil && strings.Contains(f.Value.String(), s)
}

// benchSgemm is the one helper behind every SGEMM benchmark: seeded inputs made
// outside the timer, C = A*B with beta 0, GFLOPS reported as a metric.
func benchSgemm(b *testing.B, s benchShape) {
	if s.explicit && !selected(s.name) {
		b.Skipf("%s runs only when -bench names it", s.name)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	fill := func(n int) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = rng.Float32() - 0.5
		}
		return x
	}
	a, bb, c := fill(s.m*s.k), fill(s.k*s.n), fill(s.m*s.n)
	lda, ldb := s.k, s.n
	if s.transA {
		lda = s.m
	}
	if s.transB {
		ldb = s.k
	}
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process().Seconds()
	for b.Loop() {
		Sgemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, lda, bb, ldb, 0, c, s.n)
	}
	cpu := cputime.Process().Seconds() - cpu0
	flops := 2 * float64(s.m) * float64(s.n) * float64(s.k) * float64(b.N)
	b.ReportMetric(flops/b.Elapsed().Seconds()/1e9, "GFLOPS")
	if cpu > 0 {
		b.ReportMetric(flops/cpu/1e9, "GFLOPS/cpu-s")
	}
}

// BenchmarkSgemm measures the path chosen for this CPU (see Path).
func BenchmarkSgemm(b *testing.B) {
	for _, s := range benchShapes {
		b.Run(s.name, func(b *testing.B) { benchSgemm(b, s) })
	}
}

// BenchmarkSgemmPath measures every path available here, e.g.
// -bench 'SgemmPath/avx2/1024'.
func BenchmarkSgemmPath(b *testing.B) {
	for _, p := range availableISAs() {
		b.Run(p.String(), func(b *testing.B) {
			defer useISA(p)()
			for _, s := range benchShapes {
				b.Run(s.name, func(b *testing.B) { benchSgemm(b, s) })
			}
		})
	}
}
