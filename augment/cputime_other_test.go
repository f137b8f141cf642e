//go:build !unix

package augment

// processCPU is unavailable here; benchmarks then omit the per-CPU-second metric.
func processCPU() float64 { return 0 }
