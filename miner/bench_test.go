package miner

import (
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// BenchmarkMineTriplets times the triplet miners on the distance table of a
// W2-shaped batch: 256 embeddings, 16 classes of 16.
func BenchmarkMineTriplets(b *testing.B) {
	const n = 256
	rng := rand.New(rand.NewPCG(1, 2))
	dist := tensor.New(n, n)
	for i := range dist.Data {
		dist.Data[i] = rng.Float32() * 2
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i / 16
	}
	for _, m := range []TripletMiner{BatchHard{}} {
		b.Run(m.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m.MineTriplets(dist, false, labels)
			}
		})
	}
}
