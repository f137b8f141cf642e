//go:build !amd64 || purego

package kernels

func dot(a, b []float32) float32           { return dotGeneric(a, b) }
func l2sq(a, b []float32) float32          { return l2sqGeneric(a, b) }
func dotU8(a []float32, b []uint8) float32 { return dotU8Generic(a, b) }

// dotPath names the implementation in use, for tests and benchmarks.
func dotPath() string { return "generic" }

func prefetch[T float32 | uint8 | uint32](data []T, rows []uint32, rowLen, nbytes int) {}
