//go:build unix

package ag

import "syscall"

// processCPU returns the user+system CPU seconds used by this process so far:
// on a machine shared with other jobs, work per CPU-second measures the code,
// where wall time mostly measures the neighbours.
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}
