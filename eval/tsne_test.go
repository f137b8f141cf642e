package eval

import (
	"errors"
	"math"
	"testing"
)

func TestConditionalPPerplexity(t *testing.T) {
	rng := newRNG(18)
	for _, perp := range []float64{2, 5, 30} {
		dist := make([]float64, 100)
		for j := range dist {
			dist[j] = 10 * rng.Float64() * rng.Float64()
		}
		self := 7
		p, beta := conditionalP(dist, self, perp)
		// Recompute from beta by hand: normalised Gaussian, entropy = ln(perp).
		var sum float64
		for j, d := range dist {
			if j != self {
				sum += math.Exp(-beta * d)
			}
		}
		var h, total float64
		for j, d := range dist {
			want := 0.0
			if j != self {
				want = math.Exp(-beta*d) / sum
			}
			if math.Abs(p[j]-want) > 1e-12 {
				t.Fatalf("perp %v: p[%d] = %v, from beta %v", perp, j, p[j], want)
			}
			if want > 0 {
				h -= want * math.Log(want)
			}
			total += p[j]
		}
		if math.Abs(h-math.Log(perp)) > 1e-4 || math.Abs(total-1) > 1e-12 {
			t.Fatalf("perp %v: entropy %v (want %v), sum %v", perp, h, math.Log(perp), total)
		}
	}
}

func TestTSNEGradientFiniteDifference(t *testing.T) {
	rng := newRNG(19)
	x, _ := clustered(rng, 7, 3, 2, 2)
	n := x.Rows
	p := tsneAffinities(x, 3)
	// P is symmetric, sums to 1, zero diagonal.
	var total float64
	for i := 0; i < n; i++ {
		if p[i*n+i] != 0 {
			t.Fatalf("P[%d,%d] = %v", i, i, p[i*n+i])
		}
		for j := 0; j < n; j++ {
			total += float64(p[i*n+j])
			if p[i*n+j] != p[j*n+i] {
				t.Fatalf("P not symmetric at %d,%d", i, j)
			}
		}
	}
	if math.Abs(total-1) > 1e-5 {
		t.Fatalf("P sums to %v", total)
	}
	y := make([]float64, 2*n)
	for i := range y {
		y[i] = rng.NormFloat64()
	}
	// Naive KL(P || Q) from scratch for the finite differences.
	kl := func(y []float64) float64 {
		var z float64
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if i != j {
					z += 1 / (1 + sqDist(y[2*i:2*i+2], y[2*j:2*j+2]))
				}
			}
		}
		var s float64
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if pij := float64(p[i*n+j]); i != j {
					s += pij * math.Log(pij*z*(1+sqDist(y[2*i:2*i+2], y[2*j:2*j+2])))
				}
			}
		}
		return s
	}
	if got := tsneKL(p, y, n); !near(got, kl(y), 1e-10) {
		t.Fatalf("tsneKL %v, naive %v", got, kl(y))
	}
	grad := make([]float64, 2*n)
	tsneGradient(p, y, n, 1, grad)
	const h = 1e-6
	for k := range y {
		yp := append([]float64(nil), y...)
		ym := append([]float64(nil), y...)
		yp[k] += h
		ym[k] -= h
		fd := (kl(yp) - kl(ym)) / (2 * h)
		if math.Abs(fd-grad[k]) > 1e-6 {
			t.Fatalf("dKL/dy[%d] = %v, finite difference %v", k, grad[k], fd)
		}
	}
}

func TestTSNESeparatesClusters(t *testing.T) {
	x, labels := clustered(newRNG(20), 120, 10, 3, 6)
	cfg := TSNEConfig{Perplexity: 10, Seed: 4} // 1000 iterations
	res, err := TSNE(x, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if res.Embedding.Rows != 120 || res.Embedding.Cols != 2 || !(res.KL > 0) {
		t.Fatalf("result shape (%d, %d), KL %v", res.Embedding.Rows, res.Embedding.Cols, res.KL)
	}
	knn, err := KNNEvaluateSelf(res.Embedding, labels, KNNConfig{K: 5})
	if err != nil || knn.Accuracy < 0.99 {
		t.Fatalf("5-NN accuracy in the t-SNE map %v %v: clusters not kept apart", knn.Accuracy, err)
	}
	again, _ := TSNE(x, cfg)
	for i := range again.Embedding.Data {
		if again.Embedding.Data[i] != res.Embedding.Data[i] {
			t.Fatal("same seed, different embedding")
		}
	}
}

func TestTSNEErrors(t *testing.T) {
	x := Matrix{3, 1, []float32{1, 2, 3}}
	for _, tc := range []struct {
		name string
		x    Matrix
		cfg  TSNEConfig
		err  error
	}{
		{"perplexity >= n", x, TSNEConfig{}, ErrConfig},
		{"negative lr", x, TSNEConfig{Perplexity: 1, LearningRate: -1}, ErrConfig},
		{"one row", Matrix{1, 1, []float32{1}}, TSNEConfig{Perplexity: 1}, ErrEmpty},
		{"too many", Matrix{MaxTSNEPoints + 1, 1, make([]float32, MaxTSNEPoints+1)}, TSNEConfig{}, ErrConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := TSNE(tc.x, tc.cfg); !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
}
