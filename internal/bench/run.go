package bench

import (
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Config selects and sizes the workloads, with the reference's flag names.
type Config struct {
	Only      []string // gemm, w1, w2, w3, w4; empty = all
	Opt       string   // sgd or adam
	Timings   int      // timed blocks per workload (>= 5)
	Warmup    int      // untimed iterations first
	Quick     bool     // fewer iterations per block
	Synthetic bool     // never look for MNIST
}

// Report is the JSON that compare.sh reads: one Result per workload and meta.
type Report map[string]any

// Run executes the selected workloads and returns the report; progress lines
// go to logf.
func Run(cfg Config, logf func(format string, args ...any)) (Report, error) {
	for _, o := range cfg.Only {
		if !slices.Contains([]string{"gemm", "w1", "w2", "w3", "w4"}, o) {
			return nil, fmt.Errorf("bench: unknown workload %q (want gemm, w1, w2, w3, w4)", o)
		}
	}
	if cfg.Opt != "sgd" && cfg.Opt != "adam" {
		return nil, fmt.Errorf("bench: --opt %q (want sgd or adam)", cfg.Opt)
	}
	if cfg.Timings < 1 {
		return nil, fmt.Errorf("bench: --timings %d (want >= 1)", cfg.Timings)
	}
	want := func(w string) bool { return len(cfg.Only) == 0 || slices.Contains(cfg.Only, w) }
	im := LoadImages(cfg.Synthetic)
	rep := Report{"meta": map[string]any{
		"impl": "contrast", "go": runtime.Version(), "threads": runtime.GOMAXPROCS(0),
		"kernel_path": kernels.Path(), "data": im.Source, "opt": cfg.Opt,
		"timings": cfg.Timings, "warmup": cfg.Warmup, "workloads": strings.Join(cfg.Only, ","),
	}}
	// timed runs one workload's blocks of iters iterations (quick with --quick),
	// the reference's counts.
	timed := func(key string, fn func(), images, iters, quick int) {
		if cfg.Quick {
			iters = quick
		}
		r := timeBlocks(fn, images, iters, cfg.Timings, cfg.Warmup)
		rep[key] = r
		logf("%-10s %10.1f img/s", key, r.Median)
	}
	if want("w1") {
		w := NewW1(im, cfg.Opt)
		w.Augment()
		timed("w1_aug", w.Augment, 256, 20, 8)
		timed("w1_model", func() { w.Model() }, 256, 5, 2)
		timed("w1_e2e", w.Both, 256, 5, 2)
	}
	if want("w2") {
		timed("w2", NewW2(im, cfg.Opt).Step, 256, 40, 10)
	}
	if want("w3") {
		timed("w3", NewW3(im, cfg.Opt).Step, 512, 40, 10)
	}
	if want("w4") {
		timed("w4", NewW4(im).Step, 1024, 5, 2)
	}
	if want("gemm") {
		rep["sgemm_1024"] = Sgemm(1024, max(cfg.Timings, 5))
		logf("sgemm_1024 %8.1f GFLOPS", rep["sgemm_1024"].(Result).Median)
		rep["sgemm_4096"] = Sgemm(4096, 3)
		logf("sgemm_4096 %8.1f GFLOPS", rep["sgemm_4096"].(Result).Median)
	}
	return rep, nil
}
