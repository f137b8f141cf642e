//go:build !purego

package kernels

// availableKernels returns the kernels this CPU can run, slowest first.
func availableKernels() []*kernel {
	return []*kernel{&genericKernel}
}
