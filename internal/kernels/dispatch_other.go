//go:build purego || !amd64

package kernels

// availableKernels returns the kernels this build can run, slowest first: only
// the plain-Go one when assembly is disabled (purego) or the CPU is not amd64.
func availableKernels() []*kernel { return []*kernel{&genericKernel} }
