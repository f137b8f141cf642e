package augment

import "math/rand/v2"

// HorizontalFlip mirrors the image left-right with probability p
// (torchvision RandomHorizontalFlip). Shape preserving; works in place.
type HorizontalFlip struct {
	p float64
}

// NewHorizontalFlip returns a flip applied with probability p.
func NewHorizontalFlip(p float64) (*HorizontalFlip, error) {
	if err := checkProb("HorizontalFlip", p); err != nil {
		return nil, err
	}
	return &HorizontalFlip{p: p}, nil
}

// OutShape returns in.
func (f *HorizontalFlip) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (f *HorizontalFlip) InPlace() bool { return true }

// Apply draws one uniform number and flips if it is below p.
func (f *HorizontalFlip) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("HorizontalFlip", dst, src, s, s)
	if rng.Float64() >= f.p {
		copyIfDistinct(dst, src)
		return
	}
	w := s.W
	inplace := same(dst, src)
	for r := 0; r < s.C*s.H; r++ {
		d, sr := dst[r*w:(r+1)*w], src[r*w:(r+1)*w]
		if inplace {
			for i, j := 0, w-1; i < j; i, j = i+1, j-1 {
				d[i], d[j] = d[j], d[i]
			}
			continue
		}
		for x := range d {
			d[x] = sr[w-1-x]
		}
	}
}
