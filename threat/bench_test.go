package threat

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
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
	burst := burstCapture(b)
	cases := []c{{"http.pcap", http, 43}, {"hand.pcap", hand.pcap(), len(hand.frames)}, {"hand.pcapng", hand.pcapng(), len(hand.frames)},
		{"burst.pcap", burst.pcap(), len(burst.frames)}}
	benchFamily(b, cases, func(c c) string { return c.name }, func(b *testing.B, c c) {
		for b.Loop() {
			if _, err := DecodePcap(bytes.NewReader(c.data)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(c.packets*b.N)/b.Elapsed().Seconds(), "packets/s")
	})
}

// burstCapture holds 40,000 connections between two hosts within 40 ms, one
// time window: 20,000 one-segment FTP control connections that each announce
// a data port, and 20,000 SYNs. Costs quadratic in a window's connections or
// in a host pair's FTP connections show here (a request to
// POST /v1/score/capture can be such a capture).
func burstCapture(b testing.TB) *capture {
	c := &capture{t: b}
	for i := range 20000 {
		s := &session{c: c, cli: hostA, srv: hostB, cport: uint16(1024 + i), prt: 21, cseq: 1, sseq: 1, at: time.Duration(i) * time.Microsecond}
		s.segment(true, "A", []byte("PORT 10,0,0,1,0,7\r\n"))
	}
	for i := range 20000 {
		c.tcp(time.Duration(20000+i)*time.Microsecond, hostB, hostA, uint16(30000+i), 7, "S", 0)
	}
	return c
}
