//go:build !linux

package kernels

import "runtime"

// osYields reports that osYield reaches the OS scheduler: not here.
const osYields = false

// osYield falls back to yielding to the program's own goroutines where
// sched_yield is not wired up.
func osYield() { runtime.Gosched() }
