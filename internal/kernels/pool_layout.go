package kernels

import (
	"fmt"
	"unsafe"
)

// Transpose sets dst (cols, rows) to the transpose of src (rows, cols): the
// move of a pooled or convolved map from pixel-major (a product with one row per
// pixel) to channel-major planes (NCHW). Each destination row is written front
// to back; on AVX-512 sixteen elements at a time, gathered down a source column.
func Transpose(dst, src []float32, rows, cols int) {
	checkTranspose(len(dst), len(src), rows, cols)
	transpose32(u32(dst), u32(src), rows, cols)
}

// TransposeInt32 is Transpose for int32 elements (argmax indices).
func TransposeInt32(dst, src []int32, rows, cols int) {
	checkTranspose(len(dst), len(src), rows, cols)
	transpose32(*(*[]uint32)(unsafe.Pointer(&dst)), *(*[]uint32)(unsafe.Pointer(&src)), rows, cols)
}

func checkTranspose(nd, ns, rows, cols int) {
	if rows < 0 || cols < 0 || nd < rows*cols || ns < rows*cols {
		panic(fmt.Sprintf("kernels: Transpose of %dx%d with slices of %d and %d", rows, cols, ns, nd))
	}
}

// u32 views float32s as their bits: a transpose moves bits, not values.
func u32(s []float32) []uint32 { return *(*[]uint32)(unsafe.Pointer(&s)) }

func transpose32(dst, src []uint32, rows, cols int) {
	if transpose32Fast(dst, src, rows, cols) {
		return
	}
	dst, src = dst[:rows*cols], src[:rows*cols]
	for c := 0; c < cols; c++ {
		d := dst[c*rows : (c+1)*rows]
		s := src[c:]
		for j := range d {
			d[j] = s[j*cols]
		}
	}
}
