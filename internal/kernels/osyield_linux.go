package kernels

import "syscall"

// osYields reports that osYield reaches the OS scheduler.
const osYields = true

// osYield gives the calling thread's CPU to another runnable thread of any
// process, if there is one (sched_yield(2)); it returns at once otherwise.
func osYield() { syscall.Syscall(syscall.SYS_SCHED_YIELD, 0, 0, 0) }
