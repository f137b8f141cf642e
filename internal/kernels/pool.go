package kernels

import "fmt"

// PoolOut returns the output size floor((n-k)/stride)+1 of a pooling window of k
// with the given stride over n inputs (no padding, PyTorch's floor mode). It panics
// when k > n or k or stride is not positive.
func PoolOut(n, k, stride int) int {
	if k <= 0 || stride <= 0 || k > n {
		panic(fmt.Sprintf("kernels: pooling window %d stride %d over %d inputs", k, stride, n))
	}
	return (n-k)/stride + 1
}

// MaxPool2d max-pools planes consecutive (h, w) planes of x with a k x k window
// and the given stride into y (planes, oh, ow), oh = PoolOut(h, k, stride), and
// records in arg the offset within its input plane of each maximum: the first in
// row-major window order. A NaN in a window propagates to y, as in PyTorch, and
// its position is the argmax.
func MaxPool2d(y []float32, arg []int32, x []float32, planes, h, w, k, stride int) {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	for p := 0; p < planes; p++ {
		MaxPoolPlane(y[p*oh*ow:(p+1)*oh*ow], arg[p*oh*ow:(p+1)*oh*ow], x[p*h*w:(p+1)*h*w], h, w, k, stride)
	}
}

// MaxPoolPlane is MaxPool2d of one (h, w) plane.
func MaxPoolPlane(y []float32, arg []int32, x []float32, h, w, k, stride int) {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	y = y[:oh*ow]
	arg = arg[:oh*ow]
	x = x[:h*w]
	if k == 2 && stride == 2 {
		if !maxPool2x2Fast(y, arg, x, w, oh, ow, 0, false) {
			maxPool2x2(y, arg, x, w, oh, ow)
		}
		return
	}
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			// The maximum first (branch-free), then its first position: one
			// hard-to-predict branch per window instead of one per element.
			base := oy*stride*w + ox*stride
			m := x[base]
			for ky := 0; ky < k; ky++ {
				for _, v := range x[base+ky*w : base+ky*w+k] {
					m = max(m, v)
				}
			}
			mi := firstOf(x, base, w, k, m)
			y[oy*ow+ox] = m
			arg[oy*ow+ox] = int32(mi)
		}
	}
}

// firstOf returns the offset of the first element of the k x k window at base
// equal to m, or the first NaN when m is NaN.
func firstOf(x []float32, base, w, k int, m float32) int {
	nan := m != m
	for ky := 0; ky < k; ky++ {
		row := x[base+ky*w : base+ky*w+k]
		for kx, v := range row {
			if v == m || (nan && v != v) {
				return base + ky*w + kx
			}
		}
	}
	return base
}

// maxPool2x2 is the 2x2, stride-2 window of MaxPoolPlane in plain Go, used
// where the assembly is not. Ties go to the first in row-major order; a NaN
// propagates and is the argmax (the first NaN of the pair that holds one).
func maxPool2x2(y []float32, arg []int32, x []float32, w, oh, ow int) {
	for oy := 0; oy < oh; oy++ {
		r0 := x[2*oy*w : 2*oy*w+2*ow]
		r1 := x[(2*oy+1)*w : (2*oy+1)*w+2*ow]
		yo := y[oy*ow : oy*ow+ow]
		ao := arg[oy*ow : oy*ow+ow]
		top := int32(2 * oy * w)
		bot := top + int32(w)
		for ox := range yo {
			i := 2 * ox
			a, b, c, d := r0[i], r0[i+1], r1[i], r1[i+1]
			i0, i1 := top+int32(i), bot+int32(i)
			if b > a || b != b {
				i0++
			}
			if d > c || d != d {
				i1++
			}
			m0, m1 := max(a, b), max(c, d)
			if m1 > m0 || m1 != m1 {
				i0 = i1
			}
			yo[ox] = max(m0, m1)
			ao[ox] = i0
		}
	}
}

// MaxPoolPlaneBias is MaxPoolPlane followed by y += bias and, with relu, y =
// max(y, 0): the epilogue of a convolution with fused bias, ReLU and max-pool
// (pooling first is exact, as max(v) + b == max(v + b), and ReLU is monotone).
func MaxPoolPlaneBias(y []float32, arg []int32, x []float32, h, w, k, stride int, bias float32, relu bool) {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	y = y[:oh*ow]
	if k == 2 && stride == 2 && maxPool2x2Fast(y, arg, x[:h*w], w, oh, ow, bias, relu) {
		return
	}
	MaxPoolPlane(y, arg, x, h, w, k, stride)
	if relu {
		for i, v := range y {
			y[i] = max(v+bias, 0)
		}
		return
	}
	for i := range y {
		y[i] += bias
	}
}

// MaxPoolPlaneGrad sets dst (h, w) to the gradient of one max-pooled plane's
// input: g at each window's recorded argmax (summed where windows overlap) and 0
// elsewhere; with relu (a ReLU after the pooling) only where the output y > 0.
// It returns the sum of the gradients routed, the bias gradient of a fused
// convolution epilogue.
func MaxPoolPlaneGrad(dst, g, y []float32, arg []int32, h, w, k, stride int, relu bool) float32 {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	dst, g, y, arg = dst[:h*w], g[:oh*ow], y[:oh*ow], arg[:oh*ow]
	if k == 2 && stride == 2 {
		if s, ok := maxPool2x2GradFast(dst, g, y, arg, w, oh, ow, relu); ok {
			// The kernel writes the 2*oh x 2*ow corner; floor mode leaves an odd last
			// column and row that no window reads.
			if w > 2*ow {
				for r := 0; r < 2*oh; r++ {
					clear(dst[r*w+2*ow : (r+1)*w])
				}
			}
			clear(dst[2*oh*w:])
			return s
		}
	}
	clear(dst)
	var s float32
	for i, v := range g {
		if relu && !(y[i] > 0) {
			continue
		}
		dst[arg[i]] += v
		s += v
	}
	return s
}

// MaxPool2dBackward adds each gradient dy of a max-pooled output into dx at the
// input position arg recorded by MaxPool2d, plane by plane.
func MaxPool2dBackward(dx, dy []float32, arg []int32, planes, h, w, oh, ow int) {
	for p := 0; p < planes; p++ {
		dxp := dx[p*h*w : (p+1)*h*w]
		dyp := dy[p*oh*ow : (p+1)*oh*ow]
		ap := arg[p*oh*ow : (p+1)*oh*ow]
		for i, g := range dyp {
			dxp[ap[i]] += g
		}
	}
}

// AvgPool2d average-pools planes consecutive (h, w) planes of x with a k x k window
// and the given stride into y (planes, oh, ow); every window is inside the plane,
// so each divides by k*k.
func AvgPool2d(y, x []float32, planes, h, w, k, stride int) {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	inv := 1 / float32(k*k)
	for p := 0; p < planes; p++ {
		xp := x[p*h*w : (p+1)*h*w]
		yp := y[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				base := oy*stride*w + ox*stride
				var s float32
				for ky := 0; ky < k; ky++ {
					for _, v := range xp[base+ky*w : base+ky*w+k] {
						s += v
					}
				}
				yp[oy*ow+ox] = s * inv
			}
		}
	}
}

// AvgPool2dBackward spreads each output gradient of AvgPool2d evenly over its
// window, accumulating into dx.
func AvgPool2dBackward(dx, dy []float32, planes, h, w, k, stride int) {
	oh, ow := PoolOut(h, k, stride), PoolOut(w, k, stride)
	inv := 1 / float32(k*k)
	for p := 0; p < planes; p++ {
		dxp := dx[p*h*w : (p+1)*h*w]
		dyp := dy[p*oh*ow : (p+1)*oh*ow]
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				g := dyp[oy*ow+ox] * inv
				base := oy*stride*w + ox*stride
				for ky := 0; ky < k; ky++ {
					row := dxp[base+ky*w : base+ky*w+k]
					for i := range row {
						row[i] += g
					}
				}
			}
		}
	}
}

// MaxPool2x2Rows max-pools a pixel-major map with a 2x2 window and stride 2
// (floor mode): pixel (iy, ix) of the h x w map holds c channels at
// x[(iy*w+ix)*ldx:], the layout of a convolution computed as a product with one
// row per pixel. It writes the pooled map pixel-major and dense (c per pixel,
// (h/2)*(w/2) pixels) into y, adding bias (c) and applying ReLU when relu is
// set, and into arg the plane offset iy*w+ix of each maximum (first in
// row-major window order; a NaN propagates and is the argmax).
func MaxPool2x2Rows(y []float32, arg []int32, x []float32, ldx, c, h, w int, bias []float32, relu bool) {
	oh, ow := PoolOut(h, 2, 2), PoolOut(w, 2, 2)
	if maxPool2x2RowsFast(y, arg, x, ldx, c, w, oh, ow, bias, relu) {
		return
	}
	bias = bias[:c]
	for oy := 0; oy < oh; oy++ {
		for ox := 0; ox < ow; ox++ {
			p00 := 2*oy*w + 2*ox
			r00 := x[p00*ldx : p00*ldx+c]
			r01 := x[(p00+1)*ldx : (p00+1)*ldx+c]
			r10 := x[(p00+w)*ldx : (p00+w)*ldx+c]
			r11 := x[(p00+w+1)*ldx : (p00+w+1)*ldx+c]
			o := (oy*ow + ox) * c
			yo, ao := y[o:o+c], arg[o:o+c]
			for ch, a := range r00 {
				b, cc, d := r01[ch], r10[ch], r11[ch]
				i0, i1 := int32(p00), int32(p00+w)
				if b > a || b != b {
					i0++
				}
				if d > cc || d != d {
					i1++
				}
				m0, m1 := max(a, b), max(cc, d)
				if m1 > m0 || m1 != m1 {
					i0 = i1
				}
				v := max(m0, m1) + bias[ch]
				if relu {
					v = max(v, 0)
				}
				yo[ch], ao[ch] = v, i0
			}
		}
	}
}
