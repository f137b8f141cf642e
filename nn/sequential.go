package nn

import (
	"strconv"

	"github.com/contrast-ml/contrast/ag"
)

// Sequential applies its layers in order, as torch.nn.Sequential; child i's
// names gain the prefix "i.". A Conv2d followed by ReLU, optionally then by
// MaxPool2d, runs as one fused ag.Conv2dFused op (same values and gradients).
type Sequential struct {
	Tree
}

// NewSequential adopts the layers in order. It panics on a nil layer.
func NewSequential(layers ...Module) *Sequential {
	s := &Sequential{}
	for i, l := range layers {
		if l == nil {
			panic("nn: NewSequential: layer " + strconv.Itoa(i) + " is nil")
		}
		Add(&s.Tree, strconv.Itoa(i), l)
	}
	return s
}

// Layers returns the layers in order.
func (s *Sequential) Layers() []Module { return s.children }

// Forward runs x through every layer.
func (s *Sequential) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	ls := s.children
	for i := 0; i < len(ls); i++ {
		if conv, ok := ls[i].(*Conv2d); ok && i+1 < len(ls) && isReLU(ls[i+1]) {
			f := ag.ConvFuse{ReLU: true}
			i++
			if i+1 < len(ls) {
				if p, ok := ls[i+1].(*MaxPool2d); ok {
					f.PoolK, f.PoolStride = p.K, p.Stride
					i++
				}
			}
			x = t.Conv2dFused(x, conv.Weight, conv.Bias, conv.Stride, conv.Pad, conv.Groups, f)
			continue
		}
		x = ls[i].Forward(t, x)
	}
	return x
}

func isReLU(m Module) bool {
	switch m.(type) {
	case ReLU, *ReLU:
		return true
	}
	return false
}
