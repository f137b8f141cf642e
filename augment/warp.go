package augment

import (
	"fmt"
	"math/rand/v2"
)

// Warp displaces every pixel by a smooth random field, a small elastic
// distortion in the spirit of Simard, Steinkraus and Platt 2003 ("Best
// practices for convolutional neural networks applied to visual document
// analysis"): displacements uniform in [-alpha, alpha] pixels are drawn on a
// grid x grid lattice of control points spanning the image and interpolated
// bilinearly in between; the image is then resampled bilinearly, with zero
// outside. Shape preserving.
type Warp struct {
	grid  int
	alpha float32
}

// MaxWarpGrid is the largest control lattice [NewWarp] accepts.
const MaxWarpGrid = 16

// NewWarp returns a random smooth warp with a grid x grid control lattice
// (2 <= grid <= MaxWarpGrid) and maximum displacement alpha >= 0 pixels.
func NewWarp(grid int, alpha float64) (*Warp, error) {
	if grid < 2 || grid > MaxWarpGrid {
		return nil, fmt.Errorf("augment: Warp: grid %d not in [2, %d]", grid, MaxWarpGrid)
	}
	if !(alpha >= 0) {
		return nil, fmt.Errorf("augment: Warp: alpha %g must be >= 0", alpha)
	}
	return &Warp{grid: grid, alpha: float32(alpha)}, nil
}

// OutShape returns in.
func (w *Warp) OutShape(in Shape) Shape { return in }

// Apply draws grid*grid (dx, dy) pairs row by row, then resamples.
func (w *Warp) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("Warp", dst, src, s, s)
	var ddx, ddy [MaxWarpGrid * MaxWarpGrid]float32
	g := w.grid
	for i := 0; i < g*g; i++ {
		ddx[i] = w.alpha * float32(2*rng.Float64()-1)
		ddy[i] = w.alpha * float32(2*rng.Float64()-1)
	}
	// Pixel (y, x) sits at lattice coordinate (y*(g-1)/(H-1), x*(g-1)/(W-1)).
	gy := float32(g-1) / float32(max(1, s.H-1))
	gx := float32(g-1) / float32(max(1, s.W-1))
	plane := s.H * s.W
	for y := 0; y < s.H; y++ {
		y0, _, ly := latt(float32(y)*gy, g)
		for x := 0; x < s.W; x++ {
			x0, _, lx := latt(float32(x)*gx, g)
			i := y0*g + x0
			j := i + 1
			if x0+1 >= g {
				j = i
			}
			k, l := i+g, j+g
			if y0+1 >= g {
				k, l = i, j
			}
			dx := lerp2(ddx[i], ddx[j], ddx[k], ddx[l], lx, ly)
			dy := lerp2(ddy[i], ddy[j], ddy[k], ddy[l], lx, ly)
			for c := 0; c < s.C; c++ {
				dst[c*plane+y*s.W+x] = bilinear(src[c*plane:(c+1)*plane], s.H, s.W, float32(y)+dy, float32(x)+dx, 0)
			}
		}
	}
}

func latt(f float32, g int) (i0, i1 int, l float32) {
	i0 = min(int(f), g-1)
	return i0, min(i0+1, g-1), f - float32(i0)
}

func lerp2(a, b, c, d, lx, ly float32) float32 {
	top := a + lx*(b-a)
	bot := c + lx*(d-c)
	return top + ly*(bot-top)
}
