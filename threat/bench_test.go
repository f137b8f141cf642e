package threat

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

// benchFamily runs one sub-benchmark per case through the same setup.
func benchFamily[C any](b *testing.B, cases []C, name func(C) string, run func(b *testing.B, c C)) {
	for _, c := range cases {
		b.Run(name(c), func(b *testing.B) {
			b.ReportAllocs()
			run(b, c)
		})
	}
}

// BenchmarkKthNN scores 1,000 queries against normal references of the
// novelty encoder's width (128).
func BenchmarkKthNN(b *testing.B) {
	type c struct{ ref, d int }
	benchFamily(b, []c{{2000, 128}, {11000, 128}, {11000, 122}}, func(c c) string { return fmt.Sprintf("ref=%d/d=%d", c.ref, c.d) },
		func(b *testing.B, c c) {
			const nq, k = 1000, 10
			rng := rand.New(rand.NewPCG(1, 2))
			q, r := make([]float32, nq*c.d), make([]float32, c.ref*c.d)
			for i := range q {
				q[i] = float32(rng.NormFloat64())
			}
			for i := range r {
				r[i] = float32(rng.NormFloat64())
			}
			b.ResetTimer()
			for b.Loop() {
				KthNNDistance(q, nq, r, c.ref, c.d, k)
			}
			b.ReportMetric(float64(nq*b.N)/b.Elapsed().Seconds(), "queries/s")
		})
}

// BenchmarkDecodePcap turns captures into flows with their window features.
func BenchmarkDecodePcap(b *testing.B) {
	http, err := os.ReadFile(filepath.Join("testdata", "http.pcap"))
	if err != nil {
		b.Fatal(err)
	}
	hand := handCapture(b)
	type c struct {
		name    string
		data    []byte
		packets int
	}
	cases := []c{{"http.pcap", http, 43}, {"hand.pcap", hand.pcap(), len(hand.frames)}, {"hand.pcapng", hand.pcapng(), len(hand.frames)}}
	benchFamily(b, cases, func(c c) string { return c.name }, func(b *testing.B, c c) {
		for b.Loop() {
			if _, err := DecodePcap(bytes.NewReader(c.data)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.packets*b.N)/b.Elapsed().Seconds(), "packets/s")
	})
}
