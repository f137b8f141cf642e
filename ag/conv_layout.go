package ag

import (
	"unsafe"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// Layout moves for the convolution epilogue: the product is computed pixel-major
// (pixels, channels) and NCHW wants channel-major (channels, pixels). Each
// destination plane is written front to back in one run (the output goes to
// memory, where long sequential runs serve best), gathering down the source,
// one image's map, small enough to sit in cache.

// transpose sets dst (cols, rows) to the transpose of src (rows, cols).
func transpose(dst, src []float32, rows, cols int) { kernels.Transpose(dst, src, rows, cols) }

// transposeInt32 is transpose for argmax indices.
func transposeInt32(dst, src []int32, rows, cols int) { kernels.TransposeInt32(dst, src, rows, cols) }

// transposeBias sets dst (cols, rows) to src (rows, cols) transposed plus
// bias[c] on column c, then max(., 0) when relu is set.
func transposeBias(dst, src []float32, rows, cols int, bias []float32, relu bool) {
	kernels.Transpose(dst, src, rows, cols)
	for c, b := range bias[:cols] {
		d := dst[c*rows : (c+1)*rows]
		if relu {
			for j, v := range d {
				d[j] = max(v+b, 0)
			}
			continue
		}
		for j := range d {
			d[j] += b
		}
	}
}

// asInt32 views a float32 scratch buffer as int32s (both 4 bytes).
func asInt32(b []float32) []int32 {
	if len(b) == 0 {
		return nil
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}
