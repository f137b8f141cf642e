package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/internal/cputime"
	"github.com/contrast-ml/contrast/tensor"
)

// w1Batch is the number of views per W1 step (256 images, two views each).
const w1Batch = 512

// benchW1 times the W1 network on a batch of 512 seeded 1x28x28 inputs through
// one helper: forward only (recording, as in training, or on a no-grad tape, as
// in inference) or forward+backward (from a fixed upstream gradient: no loss,
// no optimizer step), with the separate conv/ReLU/max-pool ops or the fused
// ones. It reports images/s and the CPU milliseconds per step.
func benchW1(b *testing.B, fused, backward bool) { benchW1Mode(b, fused, backward, true) }

func benchW1Mode(b *testing.B, fused, backward, record bool) {
	m := newW1Net(1)
	x := Const(tensor.New(w1Batch, 1, 28, 28).Uniform(tensor.NewRNG(2), 0, 1))
	gy := tensor.New(w1Batch, 64).Uniform(tensor.NewRNG(3), -1, 1).Data
	tp := NewTape(record)
	step := func() {
		tp.Reset()
		out := m.forward(tp, x, fused)
		if backward {
			tp.BackwardWith(out, gy)
		}
	}
	step() // warm the tape's pool
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cputime.Process().Seconds()
	for b.Loop() {
		step()
	}
	cpu := cputime.Process().Seconds() - cpu0
	b.ReportMetric(float64(w1Batch)*float64(b.N)/b.Elapsed().Seconds(), "images/s")
	// CPU time per step (both cores together; spinning pool workers included).
	b.ReportMetric(cpu*1e3/float64(b.N), "cpu-ms/op")
}

// BenchmarkW1Forward is the training-mode forward pass of W1 at batch 512.
func BenchmarkW1Forward(b *testing.B) {
	b.Run("separate", func(b *testing.B) { benchW1(b, false, false) })
	b.Run("fused", func(b *testing.B) { benchW1(b, true, false) })
	b.Run("fused-nograd", func(b *testing.B) { benchW1Mode(b, true, false, false) })
}

// BenchmarkW1Backward is one W1 forward+backward pass at batch 512 (all the
// model's work of a training step except the loss and the optimizer).
func BenchmarkW1Backward(b *testing.B) {
	b.Run("separate", func(b *testing.B) { benchW1(b, false, true) })
	b.Run("fused", func(b *testing.B) { benchW1(b, true, true) })
}
