package optim

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// benchStep measures one optimizer step over a model of n parameters in tensors
// of the given size, reporting parameters updated per second.
func benchStep(b *testing.B, c optCase, n, size int) {
	rng := tensor.NewRNG(1)
	var ps []*ag.Var
	for i := 0; i < n; i += size {
		p := ag.Param(fmt.Sprintf("p%d", i), tensor.New(min(size, n-i)).Normal(rng, 0, 1))
		p.Grad.Normal(rng, 0, 1)
		ps = append(ps, p)
	}
	opt, err := c.make(ps)
	if err != nil {
		b.Fatal(err)
	}
	opt.Step()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		opt.Step()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mparams/s")
}

// BenchmarkStep covers each optimizer on a small model (serial path) and on a
// 1M-parameter one (~ the W1 encoder's size ×4, parallel path).
func BenchmarkStep(b *testing.B) {
	for _, c := range optCases() {
		if c.name != "SGD/nesterov" && c.name != "AdamW" && c.name != "LARS" && c.name != "Adam" {
			continue
		}
		for _, sz := range []struct{ n, size int }{{20000, 5000}, {1 << 20, 1 << 16}} {
			b.Run(fmt.Sprintf("%s/%d", c.name, sz.n), func(b *testing.B) { benchStep(b, c, sz.n, sz.size) })
		}
	}
}
