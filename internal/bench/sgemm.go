package bench

import (
	"slices"
	"time"

	"github.com/contrast-ml/contrast/internal/kernels"
	"github.com/contrast-ml/contrast/tensor"
)

// Sgemm times C = A x B for square n, as torch.mm(a, b, out=c) in the reference:
// two warm-up calls, then reps single-call timings, reported in GFLOPS.
func Sgemm(n, reps int) Result {
	rng := tensor.NewRNG(1)
	a := tensor.New(n, n).Normal(rng, 0, 1).Data
	b := tensor.New(n, n).Normal(rng, 0, 1).Data
	c := make([]float32, n*n)
	run := func() { kernels.Sgemm(false, false, n, n, n, 1, a, n, b, n, 0, c, n) }
	run()
	run()
	flops := 2 * float64(n) * float64(n) * float64(n)
	var rates []float64
	for range reps {
		t0 := time.Now()
		run()
		rates = append(rates, flops/time.Since(t0).Seconds()/1e9)
	}
	return Result{Median: median(rates), Min: slices.Min(rates), Max: slices.Max(rates), NTimings: reps, ItersPerTiming: 1, Rates: rates}
}
