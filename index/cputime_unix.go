//go:build unix

package index

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) used by the process so far, or
// 0 where it cannot be read.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
