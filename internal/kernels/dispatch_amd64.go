//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// availableKernels returns the kernels this CPU can run, slowest first. AVX2 needs
// FMA as well (every AVX2 CPU has it, but the flags are separate).
func availableKernels() []*kernel {
	ks := []*kernel{&genericKernel}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &avx2Kernel)
	}
	return ks
}
