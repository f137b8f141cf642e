//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// useAVX512Rows selects the assembly row-block moves of im2col and col2im.
var useAVX512Rows = cpu.X86.HasAVX512F

//go:noescape
func copyRowsAVX512(dst *float32, dstStride int, src *float32, srcStride int, rows, n int)

//go:noescape
func addRowsAVX512(dst *float32, dstStride int, src *float32, srcStride int, rows, n int)

// copyRows sets dst[r*ds+i] = src[r*ss+i] for r < rows, i < n.
func copyRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	checkRowBlock(dst, ds, src, ss, rows, n)
	if useAVX512Rows {
		copyRowsAVX512(&dst[0], ds, &src[0], ss, rows, n)
		return
	}
	copyRowsGeneric(dst, ds, src, ss, rows, n)
}

// addRows adds src[r*ss+i] into dst[r*ds+i] for r < rows, i < n.
func addRows(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if rows <= 0 || n <= 0 {
		return
	}
	checkRowBlock(dst, ds, src, ss, rows, n)
	if useAVX512Rows {
		addRowsAVX512(&dst[0], ds, &src[0], ss, rows, n)
		return
	}
	addRowsGeneric(dst, ds, src, ss, rows, n)
}

//go:noescape
func im2colRowS1AVX512(dst *float32, x *float32, h, w, iy0, ix0, oh, ow int)

//go:noescape
func col2imS1AVX512(dx *float32, col *float32, ldc, h, w, kh, kw, pad, oh, ow int)

// im2colFast is Im2col by the assembly row kernel, for stride 1 and modest
// padding and kernels; it reports false when it does not apply.
func im2colFast(col []float32, ldc int, x []float32, g ConvGeom) bool {
	if !useAVX512Rows || g.Stride != 1 || g.Pad > 16 || g.KW > 16 {
		return false
	}
	hw := g.H * g.W
	for c := 0; c < g.C; c++ {
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				r := (c*g.KH+kh)*g.KW + kw
				im2colRowS1AVX512(&col[r*ldc], &x[c*hw], g.H, g.W, kh-g.Pad, kw-g.Pad, g.OH, g.OW)
			}
		}
	}
	return true
}

// col2imFast is Col2im by the assembly kernel, for stride 1; it reports false
// when it does not apply.
func col2imFast(dx []float32, col []float32, ldc int, g ConvGeom) bool {
	if !useAVX512Rows || g.Stride != 1 || g.KW > 16 || g.Pad > 16 {
		return false
	}
	hw := g.H * g.W
	for c := 0; c < g.C; c++ {
		col2imS1AVX512(&dx[c*hw], &col[c*g.KH*g.KW*ldc], ldc, g.H, g.W, g.KH, g.KW, g.Pad, g.OH, g.OW)
	}
	return true
}
