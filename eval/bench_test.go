package eval

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchFamily runs one benchmark per (n, d) size through a shared helper.
func benchFamily(b *testing.B, sizes [][2]int, run func(b *testing.B, n, d int)) {
	for _, s := range sizes {
		b.Run(fmt.Sprintf("%dx%d", s[0], s[1]), func(b *testing.B) {
			b.ReportAllocs()
			run(b, s[0], s[1])
		})
	}
}

func BenchmarkLinearProbe(b *testing.B) {
	probe := func(x Matrix, labels []int) func(b *testing.B, n, d int) {
		return func(b *testing.B, n, d int) {
			var info FitInfo
			var acc float64
			for b.Loop() {
				m, fi, err := FitLinear(x, labels, DefaultProbe())
				if err != nil {
					b.Fatal(err)
				}
				info = fi
				acc, _ = m.accuracy(x, labels)
			}
			b.ReportMetric(float64(info.Iterations), "iters")
			b.ReportMetric(float64(info.Evals), "evals")
			b.ReportMetric(acc, "train-acc")
			if !info.Converged {
				b.Logf("not converged: %+v", info)
			}
		}
	}
	// Isotropic class clusters (well conditioned).
	benchFamily(b, [][2]int{{10000, 64}, {60000, 128}}, func(b *testing.B, n, d int) {
		x, labels := clustered(newRNG(1), n, d, 10, 0.25)
		b.ResetTimer()
		probe(x, labels)(b, n, d)
	})
	// The same clusters seen through a random linear map that shrinks half of
	// the directions 100x: correlated features, a harder optimisation.
	b.Run("mixed", func(b *testing.B) {
		benchFamily(b, [][2]int{{60000, 128}}, func(b *testing.B, n, d int) {
			x, labels := mixedClusters(newRNG(5), n, d, 10, 0.35)
			b.ResetTimer()
			probe(x, labels)(b, n, d)
		})
	})
}

func mixedClusters(rng *rand.Rand, n, d, c int, spread float64) (Matrix, []int) {
	z, labels := clustered(rng, n, d, c, spread)
	a := make([]float64, d*d)
	for i := range a {
		a[i] = rng.NormFloat64() / float64(d)
	}
	for j := 0; j < d; j += 2 {
		for i := 0; i < d; i++ {
			a[i*d+j] *= 0.01
		}
	}
	x := Matrix{n, d, make([]float32, n*d)}
	for i := 0; i < n; i++ {
		for k := 0; k < d; k++ {
			zv := float64(z.Data[i*d+k])
			for j := 0; j < d; j++ {
				x.Data[i*d+j] += float32(zv * a[k*d+j])
			}
		}
	}
	return x, labels
}

func BenchmarkKNN(b *testing.B) {
	benchFamily(b, [][2]int{{2000, 128}, {10000, 128}}, func(b *testing.B, nq, d int) {
		q, _ := clustered(newRNG(2), nq, d, 10, 0.3)
		r, rl := clustered(newRNG(3), 5*nq, d, 10, 0.3)
		b.ResetTimer()
		for b.Loop() {
			if _, err := KNNClassify(q, r, rl, DefaultKNN()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(nq)*float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	})
}

func BenchmarkKMeans(b *testing.B) {
	benchFamily(b, [][2]int{{20000, 64}}, func(b *testing.B, n, d int) {
		x, _ := clustered(newRNG(4), n, d, 10, 0.5)
		b.ResetTimer()
		var res KMeansResult
		for b.Loop() {
			res, _ = KMeans(x, KMeansConfig{K: 10, Seed: 1})
		}
		b.ReportMetric(float64(res.Iterations), "iters")
	})
}

func BenchmarkTSNE(b *testing.B) {
	benchFamily(b, [][2]int{{1000, 32}, {2000, 32}}, func(b *testing.B, n, d int) {
		x, _ := clustered(newRNG(5), n, d, 10, 1)
		b.ResetTimer()
		for b.Loop() {
			if _, err := TSNE(x, TSNEConfig{Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "points/s")
	})
}

func BenchmarkRetrieval(b *testing.B) {
	benchFamily(b, [][2]int{{10000, 128}}, func(b *testing.B, n, d int) {
		x, labels := clustered(newRNG(6), n, d, 100, 0.3)
		b.ResetTimer()
		for b.Loop() {
			if _, err := RetrievalSelf(x, labels, RetrievalConfig{RecallK: []int{1, 10}}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "queries/s")
	})
}
