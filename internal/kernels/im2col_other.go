//go:build !amd64 || purego

package kernels

// copyRows sets dst[r*ds+i] = src[r*ss+i] for r < rows, i < n.
func copyRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	copyRowsGeneric(dst, ds, src, ss, rows, n)
}

// addRows adds src[r*ss+i] into dst[r*ds+i] for r < rows, i < n.
func addRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	addRowsGeneric(dst, ds, src, ss, rows, n)
}

func im2colFast(col []float32, ldc int, x []float32, g ConvGeom) bool { return false }

func col2imFast(dx []float32, col []float32, ldc int, g ConvGeom) bool { return false }
