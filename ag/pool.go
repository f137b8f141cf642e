package ag

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// poolGrain is the number of planes below which pooling runs on one core.
const poolGrain = 64

// MaxPool2d returns the k x k max-pool of x (N, C, H, W) with the given stride
// (floor mode, no padding, as torch.nn.MaxPool2d): (N, C, OH, OW) with
// OH = (H - k)/stride + 1. Backward routes each gradient to the first maximum of
// its window, as PyTorch does; the argmax positions are kept, not the input.
func (t *Tape) MaxPool2d(x *Var, k, stride int) *Var {
	n, c, h, w := dims4("MaxPool2d", x)
	oh, ow := kernels.PoolOut(h, k, stride), kernels.PoolOut(w, k, stride)
	out := t.newVar("MaxPool2d", n, c, oh, ow)
	planes := n * c
	arg := t.scratchInt32(planes * oh * ow)
	y, xd := out.Value.Data, x.Value.Data
	runParts(numParts(planes, poolGrain), planes, func(_, lo, hi int) {
		kernels.MaxPool2d(y[lo*oh*ow:hi*oh*ow], arg[lo*oh*ow:hi*oh*ow], xd[lo*h*w:hi*h*w], hi-lo, h, w, k, stride)
	})
	t.record(out, func(g []float32) {
		dx := t.gradOf(x)
		runParts(numParts(planes, poolGrain), planes, func(_, lo, hi int) {
			kernels.MaxPool2dBackward(dx[lo*h*w:hi*h*w], g[lo*oh*ow:hi*oh*ow], arg[lo*oh*ow:hi*oh*ow], hi-lo, h, w, oh, ow)
		})
	}, x)
	return out
}

// AvgPool2d returns the k x k average pool of x (N, C, H, W) with the given
// stride (floor mode, no padding, as torch.nn.AvgPool2d): (N, C, OH, OW).
func (t *Tape) AvgPool2d(x *Var, k, stride int) *Var {
	n, c, h, w := dims4("AvgPool2d", x)
	oh, ow := kernels.PoolOut(h, k, stride), kernels.PoolOut(w, k, stride)
	out := t.newVar("AvgPool2d", n, c, oh, ow)
	planes := n * c
	y, xd := out.Value.Data, x.Value.Data
	runParts(numParts(planes, poolGrain), planes, func(_, lo, hi int) {
		kernels.AvgPool2d(y[lo*oh*ow:hi*oh*ow], xd[lo*h*w:hi*h*w], hi-lo, h, w, k, stride)
	})
	t.record(out, func(g []float32) {
		dx := t.gradOf(x)
		runParts(numParts(planes, poolGrain), planes, func(_, lo, hi int) {
			kernels.AvgPool2dBackward(dx[lo*h*w:hi*h*w], g[lo*oh*ow:hi*oh*ow], hi-lo, h, w, k, stride)
		})
	}, x)
	return out
}

// GlobalAvgPool returns the mean of each plane of x (N, C, H, W): (N, C), the
// pooling before a ResNet's classifier (Lin et al. 2013, arXiv 1312.4400).
func (t *Tape) GlobalAvgPool(x *Var) *Var {
	n, c, h, w := dims4("GlobalAvgPool", x)
	hw := h * w
	out := t.newVar("GlobalAvgPool", n, c)
	y, xd := out.Value.Data, x.Value.Data
	inv := 1 / float32(hw)
	for i := range y {
		var s float32
		for _, v := range xd[i*hw : (i+1)*hw] {
			s += v
		}
		y[i] = s * inv
	}
	t.record(out, func(g []float32) {
		dx := t.gradOf(x)
		for i, gi := range g {
			gi *= inv
			d := dx[i*hw : (i+1)*hw]
			for j := range d {
				d[j] += gi
			}
		}
	}, x)
	return out
}

// dims4 returns the sizes of a 4-D (N, C, H, W) Var, panicking for other ranks.
func dims4(op string, x *Var) (n, c, h, w int) {
	s := x.Shape()
	if len(s) != 4 {
		panic(fmt.Sprintf("ag: %s needs a 4-D (N,C,H,W) input, got %v", op, s))
	}
	return s[0], s[1], s[2], s[3]
}
