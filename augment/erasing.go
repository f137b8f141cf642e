package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// EraseFill says what [RandomErasing] writes into the erased rectangle.
type EraseFill int

const (
	// EraseConstant fills with the constant value.
	EraseConstant EraseFill = iota
	// EraseNoise fills with independent standard normal values, as
	// torchvision's value="random".
	EraseNoise
)

// String returns the fill's name.
func (f EraseFill) String() string {
	switch f {
	case EraseConstant:
		return "constant"
	case EraseNoise:
		return "noise"
	default:
		return fmt.Sprintf("EraseFill(%d)", int(f))
	}
}

// RandomErasing erases one random rectangle in all channels with probability
// p (Zhong et al. 2017, "Random Erasing Data Augmentation", arXiv 1708.04896;
// torchvision's RandomErasing). The rectangle's area is a fraction uniform in
// the scale range, its aspect ratio (height/width) log-uniform in the ratio
// range; if 10 tries fail to fit, nothing is erased. Shape preserving; works
// in place.
type RandomErasing struct {
	p            float64
	scale, ratio [2]float64
	fill         EraseFill
	value        float32
}

// NewRandomErasing returns random erasing; torchvision's defaults are p 0.5,
// scale [0.02, 0.33], ratio [0.3, 3.3], constant 0.
func NewRandomErasing(p float64, scale, ratio [2]float64, fill EraseFill, value float32) (*RandomErasing, error) {
	if err := checkProb("RandomErasing", p); err != nil {
		return nil, err
	}
	if err := checkRange("RandomErasing", "scale", scale, 0, 1); err != nil {
		return nil, err
	}
	if err := checkRange("RandomErasing", "ratio", ratio, 1e-6, 1e6); err != nil {
		return nil, err
	}
	if fill != EraseConstant && fill != EraseNoise {
		return nil, fmt.Errorf("augment: RandomErasing: unknown fill %v", fill)
	}
	return &RandomErasing{p: p, scale: scale, ratio: ratio, fill: fill, value: value}, nil
}

// OutShape returns in.
func (e *RandomErasing) OutShape(in Shape) Shape { return in }

// InPlace reports true.
func (e *RandomErasing) InPlace() bool { return true }

// Apply copies src and erases the rectangle [RandomErasing.Sample] returns.
func (e *RandomErasing) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("RandomErasing", dst, src, s, s)
	copyIfDistinct(dst, src)
	r, ok := e.Sample(rng, s.H, s.W)
	if !ok {
		return
	}
	var w wyrand
	if e.fill == EraseNoise {
		w.s = rng.Uint64()
	}
	for c := 0; c < s.C; c++ {
		for y := r.Y; y < r.Y+r.H; y++ {
			row := dst[(c*s.H+y)*s.W+r.X : (c*s.H+y)*s.W+r.X+r.W]
			for x := range row {
				if e.fill == EraseNoise {
					row[x] = normal32(uint32(w.next()), &w)
				} else {
					row[x] = e.value
				}
			}
		}
	}
}

// Sample draws whether to erase and the rectangle for an h x w image.
func (e *RandomErasing) Sample(rng *rand.Rand, h, w int) (Rect, bool) {
	if rng.Float64() >= e.p {
		return Rect{}, false
	}
	area := float64(h * w)
	lr0, lr1 := math.Log(e.ratio[0]), math.Log(e.ratio[1])
	for range 10 {
		target := area * uniform(rng, e.scale[0], e.scale[1])
		ar := math.Exp(uniform(rng, lr0, lr1))
		eh := int(math.Round(math.Sqrt(target * ar)))
		ew := int(math.Round(math.Sqrt(target / ar)))
		if eh < 1 || ew < 1 || eh >= h || ew >= w {
			continue
		}
		return Rect{Y: rng.IntN(h - eh + 1), X: rng.IntN(w - ew + 1), H: eh, W: ew}, true
	}
	return Rect{}, false
}
