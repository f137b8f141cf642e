package loss

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/miner"
	"github.com/contrast-ml/contrast/tensor"
)

// BenchmarkTripletBatchHard times the forward and backward pass of W2's loss
// (batch-hard triplet, margin 0.2, Euclidean) on 256 L2-normalised
// 128-dimensional embeddings of 16 classes of 16.
func BenchmarkTripletBatchHard(b *testing.B) {
	const n, d = 256, 128
	rng := rand.New(rand.NewPCG(3, 4))
	emb := tensor.New(n, d)
	for i := range n {
		var s float64
		row := emb.Data[i*d : (i+1)*d]
		for k := range row {
			row[k] = float32(rng.NormFloat64())
			s += float64(row[k] * row[k])
		}
		for k := range row {
			row[k] /= float32(math.Sqrt(s))
		}
	}
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i / 16
	}
	l, err := NewTriplet(0.2, false, distance.Euclidean{}, miner.BatchHard{}, Mean)
	if err != nil {
		b.Fatal(err)
	}
	t := ag.NewTape(true)
	e := ag.Param("emb", emb)
	b.ReportAllocs()
	for b.Loop() {
		t.Reset()
		t.Backward(l.Forward(t, e, labels))
		e.ZeroGrad()
	}
}
