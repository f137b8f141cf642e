package augment

import (
	"fmt"
	"math/rand/v2"
)

// Compose applies its transforms in order, each to the output of the one
// before. Transforms that work in place ([InPlacer]) run directly on the
// output buffer, so a pipeline such as PadCrop then GaussianNoise makes one
// pass per transform and uses no scratch memory.
type Compose struct {
	ts []Image
}

// NewCompose returns the composition of ts, applied first to last. An empty
// composition copies its input.
func NewCompose(ts ...Image) (*Compose, error) {
	for i, t := range ts {
		if t == nil {
			return nil, fmt.Errorf("augment: Compose: transform %d is nil", i)
		}
	}
	return &Compose{ts: append([]Image(nil), ts...)}, nil
}

// OutShape folds OutShape over the transforms.
func (c *Compose) OutShape(in Shape) Shape {
	for _, t := range c.ts {
		in = t.OutShape(in)
	}
	return in
}

// InPlace reports whether every transform works in place.
func (c *Compose) InPlace() bool {
	for _, t := range c.ts {
		if !inPlace(t) {
			return false
		}
	}
	return true
}

// Apply runs the pipeline from src into dst.
func (c *Compose) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("Compose", dst, src, s, c.OutShape(s))
	if len(c.ts) == 0 {
		copyIfDistinct(dst, src)
		return
	}
	// last is the final transform that cannot run in place; it writes dst and
	// every transform after it runs in place on dst. Earlier out-of-place
	// transforms alternate between two scratch buffers.
	last := 0
	for j, t := range c.ts {
		if !inPlace(t) {
			last = j
		}
	}
	var bufs [2]*[]float32
	defer func() {
		for _, b := range bufs {
			if b != nil {
				putScratch(b)
			}
		}
	}()
	cur, curShape, next := src, s, 0
	for j, t := range c.ts {
		out := t.OutShape(curShape)
		var tgt []float32
		switch {
		case j >= last:
			tgt = dst // j == last writes dst; later ones run in place on it
		case inPlace(t) && !same(cur, src):
			tgt = cur[:out.Len()] // cur is our scratch and out.Len() == len(cur)
		default:
			if bufs[next] == nil {
				bufs[next] = getScratch(0)
			}
			b := bufs[next]
			if cap(*b) < out.Len() {
				*b = make([]float32, out.Len())
			}
			tgt = (*b)[:out.Len()]
			next ^= 1
		}
		t.Apply(rng, tgt, cur, curShape)
		cur, curShape = tgt, out
	}
}

// RandomApply applies a transform with probability p and otherwise copies its
// input. The transform must preserve the shape.
type RandomApply struct {
	p float64
	t Image
}

// NewRandomApply returns a transform that applies t with probability p.
func NewRandomApply(p float64, t Image) (*RandomApply, error) {
	if err := checkProb("RandomApply", p); err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("augment: RandomApply: nil transform")
	}
	return &RandomApply{p: p, t: t}, nil
}

// OutShape returns in; it panics if the wrapped transform changes the shape.
func (r *RandomApply) OutShape(in Shape) Shape {
	if out := r.t.OutShape(in); out != in {
		panic(fmt.Sprintf("augment: RandomApply: wrapped transform changes shape %v to %v", in, out))
	}
	return in
}

// InPlace reports whether the wrapped transform works in place.
func (r *RandomApply) InPlace() bool { return inPlace(r.t) }

// Apply draws one uniform number, then applies the transform or copies.
func (r *RandomApply) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	check("RandomApply", dst, src, s, r.OutShape(s))
	if rng.Float64() < r.p {
		r.t.Apply(rng, dst, src, s)
		return
	}
	copyIfDistinct(dst, src)
}

// OneOf applies one transform chosen at random with the given weights. All
// transforms must produce the same output shape.
type OneOf struct {
	ts  []Image
	cum []float64 // cumulative normalised weights
}

// NewOneOf returns a transform choosing uniformly among ts.
func NewOneOf(ts ...Image) (*OneOf, error) {
	w := make([]float64, len(ts))
	for i := range w {
		w[i] = 1
	}
	return NewOneOfWeighted(ts, w)
}

// NewOneOfWeighted returns a transform choosing ts[i] with probability
// proportional to weights[i].
func NewOneOfWeighted(ts []Image, weights []float64) (*OneOf, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("augment: OneOf: no transforms")
	}
	if len(weights) != len(ts) {
		return nil, fmt.Errorf("augment: OneOf: %d weights for %d transforms", len(weights), len(ts))
	}
	var sum float64
	for i, w := range weights {
		if !(w >= 0) || ts[i] == nil {
			return nil, fmt.Errorf("augment: OneOf: transform %d is nil or has weight %g", i, w)
		}
		sum += w
	}
	if !(sum > 0) {
		return nil, fmt.Errorf("augment: OneOf: weights sum to %g", sum)
	}
	o := &OneOf{ts: append([]Image(nil), ts...), cum: make([]float64, len(ts))}
	acc := 0.0
	for i, w := range weights {
		acc += w / sum
		o.cum[i] = acc
	}
	o.cum[len(o.cum)-1] = 1
	return o, nil
}

// OutShape returns the common output shape; it panics if they differ.
func (o *OneOf) OutShape(in Shape) Shape {
	out := o.ts[0].OutShape(in)
	for _, t := range o.ts[1:] {
		if s := t.OutShape(in); s != out {
			panic(fmt.Sprintf("augment: OneOf: output shapes differ: %v vs %v for input %v", out, s, in))
		}
	}
	return out
}

// InPlace reports whether every choice works in place.
func (o *OneOf) InPlace() bool {
	for _, t := range o.ts {
		if !inPlace(t) {
			return false
		}
	}
	return true
}

// Apply draws one uniform number to choose, then applies the choice.
func (o *OneOf) Apply(rng *rand.Rand, dst, src []float32, s Shape) {
	u := rng.Float64()
	for i, c := range o.cum {
		if u < c || i == len(o.cum)-1 {
			o.ts[i].Apply(rng, dst, src, s)
			return
		}
	}
}
