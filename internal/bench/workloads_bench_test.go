package bench

import "testing"

// BenchmarkStep times one training step of the MLP workloads W2 and W3 on
// synthetic images (the workloads compare.sh sets against PyTorch), for
// profiling them apart from the bench command:
//
//	go test -run XXX -bench Step -cpuprofile /tmp/cpu.prof ./internal/bench
func BenchmarkStep(b *testing.B) {
	im := LoadImages(true)
	for _, c := range []struct {
		name   string
		step   func() // one step
		images int    // images per step
	}{
		{"w2", NewW2(im, "sgd").Step, 256},
		{"w3", NewW3(im, "sgd").Step, 512},
	} {
		b.Run(c.name, func(b *testing.B) {
			c.step()
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				c.step()
			}
			b.ReportMetric(float64(c.images*b.N)/b.Elapsed().Seconds(), "img/s")
		})
	}
}
