//go:build amd64 && !purego

package kernels

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// Run-time choice of the distance kernels: AVX-512F (16 lanes) when the CPU and
// OS support it, else AVX2 with FMA (8 lanes), else the plain-Go loops. The
// assembly handles the largest multiple of 16 (or 8) elements; the rest is done
// here in Go.
var (
	useAVX512 = cpu.X86.HasAVX512F
	useAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
)

//go:noescape
func dotAVX512(a, b *float32, n int) float32

//go:noescape
func l2sqAVX512(a, b *float32, n int) float32

//go:noescape
func dotU8AVX512(a *float32, b *uint8, n int) float32

//go:noescape
func dotAVX2(a, b *float32, n int) float32

//go:noescape
func l2sqAVX2(a, b *float32, n int) float32

//go:noescape
func dotU8AVX2(a *float32, b *uint8, n int) float32

func dotPath() string {
	switch {
	case useAVX512:
		return "avx512"
	case useAVX2:
		return "avx2"
	}
	return "generic"
}

func dot(a, b []float32) float32 {
	n := len(a)
	var s float32
	switch {
	case useAVX512 && n >= 16:
		m := n &^ 15
		s = dotAVX512(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	case useAVX2 && n >= 8:
		m := n &^ 7
		s = dotAVX2(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	}
	if len(a) > 0 {
		s += dotGeneric(a, b)
	}
	return s
}

func l2sq(a, b []float32) float32 {
	n := len(a)
	var s float32
	switch {
	case useAVX512 && n >= 16:
		m := n &^ 15
		s = l2sqAVX512(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	case useAVX2 && n >= 8:
		m := n &^ 7
		s = l2sqAVX2(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	}
	if len(a) > 0 {
		s += l2sqGeneric(a, b)
	}
	return s
}

func dotU8(a []float32, b []uint8) float32 {
	n := len(a)
	var s float32
	switch {
	case useAVX512 && n >= 16:
		m := n &^ 15
		s = dotU8AVX512(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	case useAVX2 && n >= 8:
		m := n &^ 7
		s = dotU8AVX2(&a[0], &b[0], m)
		a, b = a[m:], b[m:n]
	}
	if len(a) > 0 {
		s += dotU8Generic(a, b)
	}
	return s
}

// prefetchRows issues PREFETCHT0 for the cache lines of the first nbytes of
// each listed row of the matrix at base, whose rows are stride bytes apart.
//
//go:noescape
func prefetchRows(base *byte, rows *uint32, n, stride, nbytes int)

func prefetch[T float32 | uint8 | uint32](data []T, rows []uint32, rowLen, nbytes int) {
	if len(rows) == 0 || len(data) == 0 || nbytes <= 0 {
		return
	}
	size := int(unsafe.Sizeof(data[0]))
	prefetchRows((*byte)(unsafe.Pointer(&data[0])), &rows[0], len(rows), size*rowLen, min(nbytes, size*rowLen))
}
