//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// availableKernels returns the kernels this CPU can run, slowest first. AVX2 needs
// FMA as well (every AVX2 CPU has it, but the flags are separate). AVX-512F alone
// is enough for the zmm kernel; x/sys/cpu sets HasAVX512F only when the OS saves
// the opmask and zmm state (XCR0).
func availableKernels() []*kernel {
	ks := []*kernel{&genericKernel}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		ks = append(ks, &avx2Kernel)
	}
	if cpu.X86.HasAVX512F {
		ks = append(ks, &avx512Kernel)
	}
	return ks
}
