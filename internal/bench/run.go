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
	k := 5
	if cfg.Quick {
		k = 2
	}
	im := LoadImages(cfg.Synthetic)
	rep := Report{"meta": map[string]any{
		"impl": "contrast", "go": runtime.Version(), "threads": runtime.GOMAXPROCS(0),
		"kernel_path": kernels.Path(), "data": im.Source, "opt": cfg.Opt,
		"timings": cfg.Timings, "warmup": cfg.Warmup, "workloads": strings.Join(cfg.Only, ","),
	}}
	if want("w1") {
		w := NewW1(im, cfg.Opt)
		w.Augment()
		rep["w1_aug"] = timeBlocks(w.Augment, 256, k*4, cfg.Timings, cfg.Warmup)
		logf("w1_aug   %10.1f img/s", rep["w1_aug"].(Result).Median)
		rep["w1_model"] = timeBlocks(func() { w.Model() }, 256, k, cfg.Timings, cfg.Warmup)
		logf("w1_model %10.1f img/s", rep["w1_model"].(Result).Median)
		rep["w1_e2e"] = timeBlocks(w.Both, 256, k, cfg.Timings, cfg.Warmup)
		logf("w1_e2e   %10.1f img/s", rep["w1_e2e"].(Result).Median)
	}
	if want("w2") {
		w := NewW2(im, cfg.Opt)
		it := 40
		if cfg.Quick {
			it = 10
		}
		rep["w2"] = timeBlocks(w.Step, 256, it, cfg.Timings, cfg.Warmup)
		logf("w2       %10.1f img/s", rep["w2"].(Result).Median)
	}
	if want("w3") {
		w := NewW3(im, cfg.Opt)
		it := 40
		if cfg.Quick {
			it = 10
		}
		rep["w3"] = timeBlocks(w.Step, 512, it, cfg.Timings, cfg.Warmup)
		logf("w3       %10.1f img/s", rep["w3"].(Result).Median)
	}
	if want("w4") {
		w := NewW4(im)
		it := 5
		if cfg.Quick {
			it = 2
		}
		rep["w4"] = timeBlocks(w.Step, 1024, it, cfg.Timings, cfg.Warmup)
		logf("w4       %10.1f img/s", rep["w4"].(Result).Median)
	}
	if want("gemm") {
		rep["sgemm_1024"] = Sgemm(1024, max(cfg.Timings, 5))
		logf("sgemm_1024 %8.1f GFLOPS", rep["sgemm_1024"].(Result).Median)
		rep["sgemm_4096"] = Sgemm(4096, 3)
		logf("sgemm_4096 %8.1f GFLOPS", rep["sgemm_4096"].(Result).Median)
	}
	return rep, nil
}
