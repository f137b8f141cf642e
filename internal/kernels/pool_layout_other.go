//go:build !amd64 || purego

package kernels

func transpose32Fast(dst, src []uint32, rows, cols int) bool { return false }
