package augment

import (
	"fmt"
	"math/rand/v2"
)

// PadCrop pads the image with pad zero pixels on every side, then crops a
// random window of the original size: the image shifts by (dy, dx), each
// uniform in [-pad, pad], and uncovered pixels become zero. This is
// torchvision's RandomCrop(size, padding=pad) and the augmentation of the W1
// benchmark (pad 4 on 28x28 MNIST). Shape (C, H, W) -> (C, H, W).
type PadCrop struct {
	pad int
}

// NewPadCrop returns a pad-then-crop transform; pad must be >= 0.
func NewPadCrop(pad int) (*PadCrop, error) {
	if pad < 0 {
		return nil, fmt.Errorf("augment: PadCrop: negative padding %d", pad)
	}
	return &PadCrop{pad: pad}, nil
}

// OutShape returns in.
func (p *PadCrop) OutShape(in Shape) Shape { return in }

// Apply draws the row offset then the column offset, each in [0, 2*pad], as
// positions of the crop in the padded image.
func (p *PadCrop) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("PadCrop", dst, src, s, s)
	oy := rng.IntN(2*p.pad + 1)
	ox := rng.IntN(2*p.pad + 1)
	Shift(dst, src, s, p.pad-oy, p.pad-ox)
}

// Shift writes src translated by dy rows down and dx columns right into dst,
// filling uncovered pixels with zero: dst[c][y][x] = src[c][y-dy][x-dx].
// dst and src must not overlap.
func Shift(dst, src []float32, s Shape, dy, dx int) {
	check("Shift", dst, src, s, s)
	h, w := s.H, s.W
	// Source columns [x0, x1) land at [x0+dx, x1+dx).
	x0, x1 := max(0, -dx), min(w, w-dx)
	for c := 0; c < s.C; c++ {
		plane := dst[c*h*w : (c+1)*h*w]
		sp := src[c*h*w : (c+1)*h*w]
		for y := 0; y < h; y++ {
			row := plane[y*w : (y+1)*w]
			sy := y - dy
			if sy < 0 || sy >= h || x0 >= x1 {
				clear(row)
				continue
			}
			clear(row[:x0+dx])
			copy(row[x0+dx:x1+dx], sp[sy*w+x0:sy*w+x1])
			clear(row[x1+dx:])
		}
	}
}
