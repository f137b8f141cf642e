package augment

import "fmt"

// Rect is an axis-aligned pixel rectangle: rows [Y, Y+H), columns [X, X+W).
type Rect struct {
	Y, X, H, W int
}

// ResizeCrop resizes the r region of src (shape s) to dst of shape
// (s.C, outH, outW) by bilinear interpolation with half-pixel centres
// (PyTorch's interpolate(mode="bilinear", align_corners=False) applied to the
// crop, without antialiasing): output pixel (y, x) samples crop coordinate
// ((y+0.5)*r.H/outH - 0.5, (x+0.5)*r.W/outW - 0.5), clamped to the crop.
// Cropping the whole image to its own size is the identity.
func ResizeCrop(dst, src []float32, s Shape, r Rect, outH, outW int) {
	out := Shape{C: s.C, H: outH, W: outW}
	check("ResizeCrop", dst, src, s, out)
	if r.H < 1 || r.W < 1 || r.Y < 0 || r.X < 0 || r.Y+r.H > s.H || r.X+r.W > s.W {
		panic(fmt.Sprintf("augment: ResizeCrop: rect %+v outside shape %v", r, s))
	}
	sy := float32(r.H) / float32(outH)
	sx := float32(r.W) / float32(outW)
	plane := s.H * s.W
	oplane := outH * outW
	for y := 0; y < outH; y++ {
		y0, y1, ly := axis(y, sy, r.Y, r.H)
		for x := 0; x < outW; x++ {
			x0, x1, lx := axis(x, sx, r.X, r.W)
			for c := 0; c < s.C; c++ {
				p := src[c*plane : (c+1)*plane]
				top := p[y0*s.W+x0] + lx*(p[y0*s.W+x1]-p[y0*s.W+x0])
				bot := p[y1*s.W+x0] + lx*(p[y1*s.W+x1]-p[y1*s.W+x0])
				dst[c*oplane+y*outW+x] = top + ly*(bot-top)
			}
		}
	}
}

// axis maps output index i with scale sc into the crop [off, off+n): the two
// neighbouring source indices and the weight of the second.
func axis(i int, sc float32, off, n int) (i0, i1 int, l float32) {
	f := (float32(i)+0.5)*sc - 0.5
	if f < 0 {
		f = 0
	}
	i0 = int(f)
	if i0 > n-1 {
		i0 = n - 1
	}
	l = f - float32(i0)
	i1 = i0 + 1
	if i1 > n-1 {
		i1 = n - 1
		l = 0
	}
	return off + i0, off + i1, l
}
