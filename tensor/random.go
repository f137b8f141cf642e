package tensor

import (
	"math"
	"math/rand/v2"
)

// NewRNG returns the deterministic generator used throughout contrast for a seed.
func NewRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

// Uniform fills t with draws from U(lo, hi).
func (t *Tensor) Uniform(rng *rand.Rand, lo, hi float32) *Tensor {
	d := t.Raw()
	for i := range d {
		d[i] = lo + (hi-lo)*rng.Float32()
	}
	return t
}

// Normal fills t with draws from N(mean, std^2).
func (t *Tensor) Normal(rng *rand.Rand, mean, std float32) *Tensor {
	d := t.Raw()
	for i := range d {
		d[i] = mean + std*float32(rng.NormFloat64())
	}
	return t
}

// KaimingUniform fills t as PyTorch's default for Linear and Conv weights does
// (He et al. 2015, arXiv 1502.01852, with a = sqrt(5)): U(-b, b), b = 1/sqrt(fanIn).
func (t *Tensor) KaimingUniform(rng *rand.Rand, fanIn int) *Tensor {
	b := float32(1 / math.Sqrt(float64(fanIn)))
	return t.Uniform(rng, -b, b)
}

// KaimingNormal fills t with N(0, 2/fanIn), He et al. 2015's initialisation for ReLU nets.
func (t *Tensor) KaimingNormal(rng *rand.Rand, fanIn int) *Tensor {
	return t.Normal(rng, 0, float32(math.Sqrt(2/float64(fanIn))))
}

// XavierUniform fills t with U(-b, b), b = sqrt(6/(fanIn+fanOut)) (Glorot & Bengio 2010).
func (t *Tensor) XavierUniform(rng *rand.Rand, fanIn, fanOut int) *Tensor {
	b := float32(math.Sqrt(6 / float64(fanIn+fanOut)))
	return t.Uniform(rng, -b, b)
}
