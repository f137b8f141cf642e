package kernels

import "fmt"

// isa names an instruction-set path of the SGEMM micro-kernel.
type isa uint8

const (
	isaGeneric isa = iota // plain Go, any CPU
	isaAVX2               // amd64 AVX2 + FMA, 6x16 tile of ymm registers
	isaAVX512             // amd64 AVX-512F, 12x32 tile of zmm registers
)

func (p isa) String() string {
	switch p {
	case isaGeneric:
		return "generic"
	case isaAVX2:
		return "avx2"
	case isaAVX512:
		return "avx512"
	}
	return fmt.Sprintf("isa(%d)", uint8(p))
}

// active is the kernel Sgemm uses, chosen once at start-up by init (see
// dispatch_amd64.go and dispatch_other.go). Tests switch it with useISA.
var active = &genericKernel

// Path names the SGEMM path chosen for this CPU and build: "avx512", "avx2" or
// "generic" (the latter always under the purego build tag).
func Path() string { return active.isa.String() }

// kernelFor returns the kernel of path p, or nil when the CPU or build lacks it.
func kernelFor(p isa) *kernel {
	for _, k := range availableKernels() {
		if k.isa == p {
			return k
		}
	}
	return nil
}

// availableISAs lists the paths this CPU and build can run, slowest first.
func availableISAs() []isa {
	var out []isa
	for _, k := range availableKernels() {
		out = append(out, k.isa)
	}
	return out
}

// useISA makes Sgemm use path p and returns a function restoring the previous
// choice. It is meant for tests and benchmarks, which must not run in parallel
// with each other while they switch paths.
func useISA(p isa) (restore func()) {
	k := kernelFor(p)
	if k == nil {
		panic(fmt.Sprintf("kernels: path %v not available on this CPU/build", p))
	}
	prev := active
	active = k
	return func() { active = prev }
}

func init() {
	ks := availableKernels()
	active = ks[len(ks)-1]
}
