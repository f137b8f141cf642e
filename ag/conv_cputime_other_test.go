//go:build !unix

package ag

// processCPU is not available here; CPU-time metrics read as 0.
func processCPU() float64 { return 0 }
