package report

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"testing"
)

// benchFamily runs one benchmark per size through a shared helper and
// reports items/s (items: records, events, points or images as named).
func benchFamily(b *testing.B, unit string, sizes []int, run func(b *testing.B, n int)) {
	for _, n := range sizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			b.ReportAllocs()
			run(b, n)
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), unit+"/s")
		})
	}
}

func benchRecords(n int) []Record {
	rng := rand.New(rand.NewPCG(1, 0x5eed))
	recs := make([]Record, n)
	for i := range recs {
		recs[i] = Record{Epoch: i / 100, Step: int64(i), Values: map[string]float64{
			"loss": 5 * math.Exp(-float64(i)/float64(n)) * (1 + 0.1*rng.Float64()), "lr": 0.3, "seconds": rng.Float64(),
		}}
	}
	return recs
}

func BenchmarkMetricsLogWrite(b *testing.B) {
	benchFamily(b, "records", []int{1000}, func(b *testing.B, n int) {
		recs := benchRecords(n)
		l := NewMetricsLog(io.Discard)
		for b.Loop() {
			for _, r := range recs {
				if err := l.Write(r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkEventScalar(b *testing.B) {
	benchFamily(b, "events", []int{1000}, func(b *testing.B, n int) {
		w, err := NewEventStream(io.Discard, nil)
		if err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			for i := range n {
				if err := w.Scalar("train/loss", int64(i), 1.5); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkLineFigurePNG(b *testing.B) {
	benchFamily(b, "points", []int{1000, 20000}, func(b *testing.B, n int) {
		fig, _ := FamilyFigure(benchRecords(n), DefaultFamilies()[0], AxisStep)
		for b.Loop() {
			if _, err := fig.PNG(900, 540); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkScatterPNG(b *testing.B) {
	benchFamily(b, "points", []int{10000}, func(b *testing.B, n int) {
		rng := rand.New(rand.NewPCG(2, 0x5eed))
		s := Scatter{Points: make([]float32, 2*n), Labels: make([]int, n)}
		for i := range n {
			s.Labels[i] = i % 10
			s.Points[2*i] = float32(rng.NormFloat64()) + float32(i%10)
			s.Points[2*i+1] = float32(rng.NormFloat64())
		}
		for b.Loop() {
			if _, err := s.PNG(900, 700); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkNeighborGridPNG(b *testing.B) {
	benchFamily(b, "images", []int{8 * 9}, func(b *testing.B, n int) {
		const hw = 28 * 28
		rng := rand.New(rand.NewPCG(3, 0x5eed))
		refs := Images{Channels: 1, Height: 28, Width: 28, Data: make([]float32, 100*hw)}
		for i := range refs.Data {
			refs.Data[i] = rng.Float32()
		}
		g := NeighborGrid{Queries: Images{Channels: 1, Height: 28, Width: 28, Data: refs.Data[:8*hw]},
			QueryLabels: make([]int, 8), References: refs, RefLabels: make([]int, 100)}
		for range 8 {
			g.Neighbors = append(g.Neighbors, []int{10, 20, 30, 40, 50, 60, 70, 80})
		}
		for b.Loop() {
			if _, err := g.PNG(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
