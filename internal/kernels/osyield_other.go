//go:build !linux

package kernels

import "runtime"

// osYield falls back to yielding to the program's own goroutines where
// sched_yield is not wired up.
func osYield() { runtime.Gosched() }
