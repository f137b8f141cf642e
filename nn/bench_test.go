package nn

import (
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// benchW1 measures a forward and backward pass of the W1 encoder on a batch,
// through Sequential (fused convolution stages) or layer by layer.
func benchW1(b *testing.B, batch int, fused bool) {
	m := w1Encoder(1)
	x := ag.Const(tensor.New(batch, 1, 28, 28).Normal(tensor.NewRNG(2), 0, 1))
	tp := ag.NewTape(true)
	step := func() {
		tp.Reset()
		y := x
		if fused {
			y = m.Forward(tp, x)
		} else {
			for _, l := range m.Layers() {
				y = l.Forward(tp, y)
			}
		}
		tp.Backward(tp.Mean(y, false))
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		step()
	}
	b.ReportMetric(float64(batch*b.N)/b.Elapsed().Seconds(), "images/s")
}

func BenchmarkW1(b *testing.B) {
	for _, batch := range []int{64} {
		for _, fused := range []bool{true, false} {
			b.Run(fmt.Sprintf("batch=%d/fused=%v", batch, fused), func(b *testing.B) { benchW1(b, batch, fused) })
		}
	}
}
