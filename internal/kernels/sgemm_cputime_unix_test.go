//go:build unix

package kernels

import "syscall"

// processCPU returns the user+system CPU seconds used by this process so far.
// Benchmarks divide work by it as well as by wall time: on a machine shared with
// other jobs, wall-clock GFLOPS mostly measure the neighbours, whereas GFLOPS per
// CPU-second measure the code (spinning pool workers count against it).
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}
