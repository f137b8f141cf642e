package kernels

import "fmt"

// ConvGeom is the geometry of a 2-D convolution (cross-correlation, as in PyTorch)
// over one image of C channels: input (C, H, W), kernel KH x KW, the same stride and
// zero padding on both axes, output OH x OW. NewConvGeom fills OH and OW.
type ConvGeom struct {
	C, H, W     int
	KH, KW      int
	Stride, Pad int
	OH, OW      int
}

// NewConvGeom returns the geometry with OH = (H + 2*pad - KH)/stride + 1 (floor) and
// likewise OW. It panics when the padded input is smaller than the kernel or a
// size is not positive.
func NewConvGeom(c, h, w, kh, kw, stride, pad int) ConvGeom {
	if c <= 0 || h <= 0 || w <= 0 || kh <= 0 || kw <= 0 || stride <= 0 || pad < 0 {
		panic(fmt.Sprintf("kernels: conv geometry C=%d H=%d W=%d kernel %dx%d stride %d pad %d", c, h, w, kh, kw, stride, pad))
	}
	if h+2*pad < kh || w+2*pad < kw {
		panic(fmt.Sprintf("kernels: conv kernel %dx%d larger than padded input %dx%d (pad %d)", kh, kw, h, w, pad))
	}
	return ConvGeom{C: c, H: h, W: w, KH: kh, KW: kw, Stride: stride, Pad: pad,
		OH: (h+2*pad-kh)/stride + 1, OW: (w+2*pad-kw)/stride + 1}
}

// Rows is the number of rows of the column matrix: C*KH*KW.
func (g ConvGeom) Rows() int { return g.C * g.KH * g.KW }

// Pixels is the number of output positions per channel: OH*OW.
func (g ConvGeom) Pixels() int { return g.OH * g.OW }

// validRange returns the output positions o in [lo, hi) whose input coordinate
// o*stride - pad + k lies inside [0, n).
func validRange(n, outN, stride, pad, k int) (lo, hi int) {
	// o*stride >= pad - k  and  o*stride <= n-1+pad-k
	a := pad - k
	if a > 0 {
		lo = (a + stride - 1) / stride
	}
	b := n - 1 + pad - k
	if b < 0 {
		return 0, 0
	}
	hi = min(b/stride+1, outN)
	if lo > hi {
		lo = hi
	}
	return lo, hi
}

// Im2col writes the column matrix of one image x (C, H, W) into col: row
// r = (c*KH + kh)*KW + kw holds, at col[r*ldc : r*ldc+OH*OW], the input value that
// kernel tap (kh, kw) of channel c meets at each output position (oy, ox), zero in
// the padding. With the weights as a (O, C*KH*KW) matrix, W x col is the
// convolution (Chellapilla et al. 2006; Caffe's layout). ldc >= OH*OW lets the
// columns of several images sit side by side in one wide matrix.
func Im2col(col []float32, ldc int, x []float32, g ConvGeom) {
	p := g.Pixels()
	hw := g.H * g.W
	_ = x[g.C*hw-1]
	_ = col[(g.Rows()-1)*ldc+p-1]
	if im2colFast(col, ldc, x, g) {
		return
	}
	for c := 0; c < g.C; c++ {
		xc := x[c*hw : (c+1)*hw]
		for kh := 0; kh < g.KH; kh++ {
			oy0, oy1 := validRange(g.H, g.OH, g.Stride, g.Pad, kh)
			for kw := 0; kw < g.KW; kw++ {
				r := (c*g.KH+kh)*g.KW + kw
				dst := col[r*ldc : r*ldc+p]
				ox0, ox1 := validRange(g.W, g.OW, g.Stride, g.Pad, kw)
				clear(dst[:oy0*g.OW])
				clear(dst[oy1*g.OW:])
				if ox0 >= ox1 {
					clear(dst[oy0*g.OW : oy1*g.OW])
					continue
				}
				if ox0 > 0 || ox1 < g.OW {
					for oy := oy0; oy < oy1; oy++ {
						row := dst[oy*g.OW : (oy+1)*g.OW]
						clear(row[:ox0])
						clear(row[ox1:])
					}
				}
				ix0 := ox0*g.Stride - g.Pad + kw
				iy0 := oy0*g.Stride - g.Pad + kh
				if g.Stride == 1 {
					copyRows(dst[oy0*g.OW+ox0:], g.OW, xc[iy0*g.W+ix0:], g.W, oy1-oy0, ox1-ox0)
					continue
				}
				s := g.Stride
				for oy := oy0; oy < oy1; oy++ {
					seg := dst[oy*g.OW+ox0 : oy*g.OW+ox1]
					src := xc[(iy0+(oy-oy0)*s)*g.W+ix0:]
					_ = src[(len(seg)-1)*s]
					for i := range seg {
						seg[i] = src[i*s]
					}
				}
			}
		}
	}
}

// Col2im is the adjoint of Im2col: it adds every entry of the column matrix col
// back into the input position it was read from, accumulating into dx (C, H, W).
// Padding entries are dropped. It is the input gradient of a convolution given the
// gradient of its column matrix.
func Col2im(dx []float32, col []float32, ldc int, g ConvGeom) {
	p := g.Pixels()
	hw := g.H * g.W
	_ = dx[g.C*hw-1]
	_ = col[(g.Rows()-1)*ldc+p-1]
	if col2imFast(dx, col, ldc, g) {
		return
	}
	for c := 0; c < g.C; c++ {
		xc := dx[c*hw : (c+1)*hw]
		for kh := 0; kh < g.KH; kh++ {
			oy0, oy1 := validRange(g.H, g.OH, g.Stride, g.Pad, kh)
			for kw := 0; kw < g.KW; kw++ {
				r := (c*g.KH+kh)*g.KW + kw
				src := col[r*ldc : r*ldc+p]
				ox0, ox1 := validRange(g.W, g.OW, g.Stride, g.Pad, kw)
				if ox0 >= ox1 {
					continue
				}
				ix0 := ox0*g.Stride - g.Pad + kw
				iy0 := oy0*g.Stride - g.Pad + kh
				if g.Stride == 1 {
					addRows(xc[iy0*g.W+ix0:], g.W, src[oy0*g.OW+ox0:], g.OW, oy1-oy0, ox1-ox0)
					continue
				}
				s := g.Stride
				for oy := oy0; oy < oy1; oy++ {
					seg := src[oy*g.OW+ox0 : oy*g.OW+ox1]
					dst := xc[(iy0+(oy-oy0)*s)*g.W+ix0:]
					_ = dst[(len(seg)-1)*s]
					for i, v := range seg {
						dst[i*s] += v
					}
				}
			}
		}
	}
}
