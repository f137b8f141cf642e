package safetensors

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// benchCodec measures Encode or Decode of n float32 values in tensors of 64K.
func benchCodec(b *testing.B, n int, decode bool) {
	ts := map[string]*tensor.Tensor{}
	for i := 0; i < n; i += 1 << 16 {
		ts[fmt.Sprintf("t%d", i)] = tensor.New(min(1<<16, n-i)).Normal(tensor.NewRNG(uint64(i)), 0, 1)
	}
	var buf bytes.Buffer
	if err := Encode(&buf, ts, nil); err != nil {
		b.Fatal(err)
	}
	raw := buf.Bytes()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if decode {
			if _, _, err := Decode(raw); err != nil {
				b.Fatal(err)
			}
		} else {
			buf.Reset()
			if err := Encode(&buf, ts, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(len(raw))*float64(b.N)/b.Elapsed().Seconds()/1e6, "MB/s")
}

func BenchmarkCodec(b *testing.B) {
	for _, n := range []int{1 << 20} {
		b.Run(fmt.Sprintf("Encode/%d", n), func(b *testing.B) { benchCodec(b, n, false) })
		b.Run(fmt.Sprintf("Decode/%d", n), func(b *testing.B) { benchCodec(b, n, true) })
	}
}
