//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// useAVX512Pool selects the assembly 2x2 max-pooling kernels.
var useAVX512Pool = cpu.X86.HasAVX512F

//go:noescape
func maxPool2x2AVX512(y *float32, arg *int32, x *float32, w, oh, ow int, bias float32, relu uint32)

//go:noescape
func maxPool2x2GradAVX512(dst *float32, gy *float32, y *float32, arg *int32, w, oh, ow int, relu uint32) float32

func maxPool2x2Fast(y []float32, arg []int32, x []float32, w, oh, ow int, bias float32, relu bool) bool {
	if !useAVX512Pool || oh == 0 || ow == 0 {
		return false
	}
	_ = x[(2*oh-1)*w+2*ow-1]
	_ = y[oh*ow-1]
	_ = arg[oh*ow-1]
	maxPool2x2AVX512(&y[0], &arg[0], &x[0], w, oh, ow, bias, b2u(relu))
	return true
}

func maxPool2x2GradFast(dst, g, y []float32, arg []int32, w, oh, ow int, relu bool) (float32, bool) {
	if !useAVX512Pool || oh == 0 || ow == 0 {
		return 0, false
	}
	_ = dst[(2*oh-1)*w+2*ow-1]
	_ = g[oh*ow-1]
	_ = y[oh*ow-1]
	_ = arg[oh*ow-1]
	return maxPool2x2GradAVX512(&dst[0], &g[0], &y[0], &arg[0], w, oh, ow, b2u(relu)), true
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

//go:noescape
func maxPool2x2RowsAVX512(y *float32, arg *int32, x *float32, ldx, c, w, oh, ow int, bias *float32, relu uint32)

func maxPool2x2RowsFast(y []float32, arg []int32, x []float32, ldx, c, w, oh, ow int, bias []float32, relu bool) bool {
	if !useAVX512Pool || oh == 0 || ow == 0 || c == 0 {
		return false
	}
	_ = x[((2*oh-1)*w+2*ow-1)*ldx+c-1]
	_ = y[oh*ow*c-1]
	_ = arg[oh*ow*c-1]
	_ = bias[c-1]
	maxPool2x2RowsAVX512(&y[0], &arg[0], &x[0], ldx, c, w, oh, ow, &bias[0], b2u(relu))
	return true
}
