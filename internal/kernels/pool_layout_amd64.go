//go:build amd64 && !purego

package kernels

//go:noescape
func transposeAVX512(dst, src *uint32, rows, cols int)

func transpose32Fast(dst, src []uint32, rows, cols int) bool {
	// The gather offsets are int32 lane*cols; keep them far from overflow.
	if !useAVX512Pool || rows == 0 || cols == 0 || rows*cols >= 1<<28 {
		return false
	}
	transposeAVX512(&dst[0], &src[0], rows, cols)
	return true
}
