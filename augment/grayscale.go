package augment

import "math/rand/v2"

// Grayscale converts RGB images to grey (luma in all three channels, so the
// shape is kept) with probability p, as torchvision's RandomGrayscale. Grey
// images are copied. Works in place.
type Grayscale struct {
	p float64
}

// NewGrayscale returns a random grey-scale conversion with probability p.
func NewGrayscale(p float64) (*Grayscale, error) {
	if err := checkProb("Grayscale", p); err != nil {
		return nil, err
	}
	return &Grayscale{p: p}, nil
}

// OutShape returns in.
func (g *Grayscale) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (g *Grayscale) InPlace() bool { return true }

// Apply draws one uniform number and converts if it is below p.
func (g *Grayscale) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("Grayscale", dst, src, s, s)
	if rng.Float64() < g.p {
		ToGrayscale(dst, src, s)
		return
	}
	copyIfDistinct(dst, src)
}
