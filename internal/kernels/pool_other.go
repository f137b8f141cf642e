//go:build !amd64 || purego

package kernels

func maxPool2x2Fast(y []float32, arg []int32, x []float32, w, oh, ow int, bias float32, relu bool) bool {
	return false
}

func maxPool2x2GradFast(dst, g, y []float32, arg []int32, w, oh, ow int, relu bool) (float32, bool) {
	return 0, false
}

func maxPool2x2RowsFast(y []float32, arg []int32, x []float32, ldx, c, w, oh, ow int, bias []float32, relu bool) bool {
	return false
}
