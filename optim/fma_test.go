package optim

import (
	"math"
	"math/big"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// exactFMA is the oracle: x*y+z computed exactly with big.Float, rounded once.
func exactFMA(x, y, z float32) float32 {
	p := new(big.Float).SetPrec(200).SetFloat64(float64(x))
	p.Mul(p, new(big.Float).SetPrec(200).SetFloat64(float64(y)))
	p.Add(p, new(big.Float).SetPrec(200).SetFloat64(float64(z)))
	f, _ := p.Float32()
	return f
}

func TestFMA(t *testing.T) {
	rng := tensor.NewRNG(5)
	cases := [][3]float32{
		{1, 1, 0}, {0, 5, -0}, {3, 1.0 / 3, -1},
		{1 + 1.0/(1<<23), 1 - 1.0/(1<<23), -1},
		// A product whose exact sum sits just beside a float32 midpoint.
		{1 + 1.0/(1<<12), 1 + 1.0/(1<<12), 1.0 / (1 << 60) / (1 << 20)},
		{1 + 1.0/(1<<12), 1 + 1.0/(1<<12), -1.0 / (1 << 60) / (1 << 20)},
		{math.MaxFloat32, 2, -math.MaxFloat32},
		{1e-30, 1e-20, 1e-45},
	}
	for range 200000 {
		x := float32(rng.NormFloat64()) * float32(math.Exp2(float64(rng.IntN(40)-20)))
		y := float32(rng.NormFloat64()) * float32(math.Exp2(float64(rng.IntN(40)-20)))
		z := float32(rng.NormFloat64()) * float32(math.Exp2(float64(rng.IntN(80)-40)))
		cases = append(cases, [3]float32{x, y, z})
	}
	for _, c := range cases {
		got, want := fma(c[0], c[1], c[2]), exactFMA(c[0], c[1], c[2])
		if math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			if !(math.IsInf(float64(want), 0) && got == want) {
				t.Fatalf("fma(%g, %g, %g) = %g, exact %g", c[0], c[1], c[2], got, want)
			}
		}
	}
}

func BenchmarkFMA(b *testing.B) {
	rng := tensor.NewRNG(1)
	x := tensor.New(4096).Normal(rng, 0, 1).Data
	y := tensor.New(4096).Normal(rng, 0, 1).Data
	b.ReportAllocs()
	var acc float32
	for range b.N {
		for i := range x {
			acc = fma(x[i], y[i], acc)
		}
	}
	b.ReportMetric(float64(b.N)*4096/b.Elapsed().Seconds()/1e6, "Mfma/s")
	_ = acc
}
