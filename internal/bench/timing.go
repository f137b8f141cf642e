package bench

import (
	"slices"
	"time"
)

// Result is one workload's throughput, in the reference's JSON shape: images per
// second (or GFLOPS for sgemm) over timed blocks after warm-up.
type Result struct {
	Median         float64   `json:"median"`
	Min            float64   `json:"min"`
	Max            float64   `json:"max"`
	SecPerIter     float64   `json:"sec_per_iter_median"`
	NTimings       int       `json:"n_timings"`
	ItersPerTiming int       `json:"iters_per_timing"`
	ImagesPerIter  int       `json:"images_per_iter"`
	Rates          []float64 `json:"rates"`
}

// timeBlocks runs fn warmup times, then timings blocks of iters calls each, and
// reports the rate imagesPerIter*iters/seconds of every block.
func timeBlocks(fn func(), imagesPerIter, iters, timings, warmup int) Result {
	for range warmup {
		fn()
	}
	r := Result{NTimings: timings, ItersPerTiming: iters, ImagesPerIter: imagesPerIter}
	secs := make([]float64, 0, timings)
	for range timings {
		t0 := time.Now()
		for range iters {
			fn()
		}
		dt := time.Since(t0).Seconds()
		secs = append(secs, dt/float64(iters))
		r.Rates = append(r.Rates, float64(imagesPerIter*iters)/dt)
	}
	r.Median, r.Min, r.Max = median(r.Rates), slices.Min(r.Rates), slices.Max(r.Rates)
	r.SecPerIter = median(secs)
	return r
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
