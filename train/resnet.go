package train

import (
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
)

// newResNet is a small ResNet for 28x28 and 32x32 images (He et al. 2016, arXiv
// 1512.03385) with the CIFAR-style stem: Conv3x3(width)+BN+ReLU, then three
// stages of one basic block each at widths w, 2w, 4w (strides 1, 2, 2), global
// average pooling, and Linear(4w, dim).
func newResNet(in Shape, width, dim int, rng *rand.Rand) (nn.Module, int, error) {
	if width < 1 {
		width = 16
	}
	r := &resNet{}
	stem, err := nn.NewConv2d(nn.Conv2dConfig{In: in.C, Out: width, Kernel: 3, Pad: 1, NoBias: true}, rng)
	if err != nil {
		return nil, 0, err
	}
	r.stem = nn.Add(&r.Tree, "stem", nn.NewSequential(stem, nn.Must(nn.NewBatchNorm2d(width)), nn.ReLU{}))
	c := width
	for i, s := range []struct{ out, stride int }{{width, 1}, {2 * width, 2}, {4 * width, 2}} {
		b, err := newBasicBlock(c, s.out, s.stride, rng)
		if err != nil {
			return nil, 0, err
		}
		r.blocks = append(r.blocks, nn.Add(&r.Tree, "layer"+string(rune('1'+i)), b))
		c = s.out
	}
	fc, err := nn.NewLinear(c, dim, true, rng)
	if err != nil {
		return nil, 0, err
	}
	r.fc = nn.Add(&r.Tree, "fc", fc)
	return r, dim, nil
}

type resNet struct {
	nn.Tree
	stem   nn.Module
	blocks []*basicBlock
	fc     *nn.Linear
}

func (r *resNet) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	x = r.stem.Forward(t, x)
	for _, b := range r.blocks {
		x = b.Forward(t, x)
	}
	return r.fc.Forward(t, t.GlobalAvgPool(x))
}

// basicBlock is ReLU(BN(Conv3x3(ReLU(BN(Conv3x3(x))))) + shortcut(x)), the
// shortcut a strided 1x1 convolution with BN when the shape changes.
type basicBlock struct {
	nn.Tree
	conv1, conv2 *nn.Conv2d
	bn1, bn2     *nn.BatchNorm
	short        nn.Module
}

func newBasicBlock(in, out, stride int, rng *rand.Rand) (*basicBlock, error) {
	b := &basicBlock{}
	c1, err := nn.NewConv2d(nn.Conv2dConfig{In: in, Out: out, Kernel: 3, Stride: stride, Pad: 1, NoBias: true}, rng)
	if err != nil {
		return nil, err
	}
	c2, err := nn.NewConv2d(nn.Conv2dConfig{In: out, Out: out, Kernel: 3, Pad: 1, NoBias: true}, rng)
	if err != nil {
		return nil, err
	}
	b.conv1 = nn.Add(&b.Tree, "conv1", c1)
	b.bn1 = nn.Add(&b.Tree, "bn1", nn.Must(nn.NewBatchNorm2d(out)))
	b.conv2 = nn.Add(&b.Tree, "conv2", c2)
	b.bn2 = nn.Add(&b.Tree, "bn2", nn.Must(nn.NewBatchNorm2d(out)))
	if stride != 1 || in != out {
		sc, err := nn.NewConv2d(nn.Conv2dConfig{In: in, Out: out, Kernel: 1, Stride: stride, NoBias: true}, rng)
		if err != nil {
			return nil, err
		}
		b.short = nn.Add(&b.Tree, "shortcut", nn.NewSequential(sc, nn.Must(nn.NewBatchNorm2d(out))))
	}
	return b, nil
}

func (b *basicBlock) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	h := t.ReLU(b.bn1.Forward(t, b.conv1.Forward(t, x)))
	h = b.bn2.Forward(t, b.conv2.Forward(t, h))
	s := x
	if b.short != nil {
		s = b.short.Forward(t, x)
	}
	return t.ReLU(t.Add(h, s))
}
