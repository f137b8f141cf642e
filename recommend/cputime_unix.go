//go:build unix

package recommend

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) the process has used so far, or
// 0 where it cannot be read. On a shared machine it measures the run's own
// work, where wall-clock time also measures the neighbours.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
