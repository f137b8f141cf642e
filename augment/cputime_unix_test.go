//go:build unix

package augment

import "syscall"

// processCPU returns the user+system CPU seconds this process has used. On a
// shared machine wall-clock throughput mostly measures the neighbours; work
// per CPU-second measures the code (spinning pool workers count against it).
func processCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) * 1e-9
}
