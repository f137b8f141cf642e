package index

import (
	"bytes"
	"fmt"
	"math"
	"testing"
)

func TestQuantizerRoundTrip(t *testing.T) {
	data := []float32{
		-1, 0, 5,
		1, 0, 7,
		0.5, 0, 6,
	}
	for _, kind := range []Quantization{Int8PerDim, Int8Global} {
		t.Run(kind.String(), func(t *testing.T) {
			q := fitQuantizer(kind, 3, data)
			codes := make([]uint8, 3)
			out := make([]float32, 3)
			for i := 0; i < 3; i++ {
				x := data[i*3 : i*3+3]
				q.encode(x, codes)
				q.decode(codes, out)
				for j := range x {
					// Rounding to the nearest level: error at most half a step.
					if err := math.Abs(float64(out[j] - x[j])); err > float64(q.scale[j])/2+1e-6 {
						t.Errorf("x[%d]=%v decoded %v (step %v)", j, x[j], out[j], q.scale[j])
					}
				}
			}
			// Fitted extremes map to the end levels; outside values clamp.
			q.encode([]float32{-1, 0, 7}, codes)
			if kind == Int8PerDim && (codes[0] != 0 || codes[1] != 0 || codes[2] != 255) {
				t.Errorf("extremes encoded %v", codes)
			}
			q.encode([]float32{-9, 3, 99}, codes)
			q.decode(codes, out)
			if out[0] != q.lo[0] || out[2] != q.lo[2]+255*q.scale[2] {
				t.Errorf("clamped values decoded %v", out)
			}
		})
	}
}

func TestParseQuantization(t *testing.T) {
	for _, q := range []Quantization{NoQuant, Int8PerDim, Int8Global} {
		got, err := ParseQuantization(q.String())
		if err != nil || got != q {
			t.Errorf("ParseQuantization(%q) = %v, %v", q.String(), got, err)
		}
	}
	if _, err := ParseQuantization("int4"); err == nil {
		t.Error("int4 parsed")
	}
}

// TestQuantizationRecallLoss measures what 8-bit codes cost in recall@10
// against exact float32 search, for both index kinds, with and without
// re-ranking: the loss must stay small, and re-ranking must recover almost
// all of it.
func TestQuantizationRecallLoss(t *testing.T) {
	const n, d, nq, k = 3000, 32, 60, 10
	base, queries := clustered(n, d, nq, 20, 11)
	items := itemsOf(base, d)
	for _, m := range []Metric{Cosine, L2} {
		exact, _ := NewFlat(Config{Dim: d, Metric: m})
		must(t, exact.Add(items...))
		truth, err := exact.SearchBatch(queries, k, Params{})
		must(t, err)
		tests := []struct {
			kind    Kind
			q       Quantization
			rerank  int
			maxLoss float64
		}{
			{KindFlat, Int8PerDim, 0, 0.10},
			{KindFlat, Int8Global, 0, 0.15},
			{KindFlat, Int8PerDim, 3, 0.01},
			{KindHNSW, Int8PerDim, 0, 0.12},
			{KindHNSW, Int8PerDim, 3, 0.03},
		}
		for _, tt := range tests {
			name := fmt.Sprintf("%v/%v/%v/rerank%d", m, tt.kind, tt.q, tt.rerank)
			t.Run(name, func(t *testing.T) {
				idx, err := New(tt.kind, Config{Dim: d, Metric: m, Quantization: tt.q, Rerank: tt.rerank, Ef: 100, EfConstruction: 64})
				must(t, err)
				must(t, idx.Add(items...))
				got, err := idx.SearchBatch(queries, k, Params{})
				must(t, err)
				loss := 1 - Recall(got, truth, k)
				t.Logf("recall@%d loss %.4f", k, loss)
				if loss > tt.maxLoss {
					t.Fatalf("recall@%d loss %.4f exceeds %.2f", k, loss, tt.maxLoss)
				}
			})
		}
	}
}

// TestReplayUnfittedLog checks that a log whose upserts reach a quantised
// index without a quantizer record before them (the fuzzer makes such logs
// by cutting the record out) replays: what was written must load. Replay
// never fits on its own (the log says where the fit was), so the items stay
// float32 even past MinQuantFit, and the next write fits on all of them.
func TestReplayUnfittedLog(t *testing.T) {
	items := smallItems("l", MinQuantFit+6, 3, 1)
	b := upsertRecords(logHeaderBytes(1), items, nil)
	for _, kind := range []Kind{KindFlat, KindHNSW} {
		idx, err := New(kind, Config{Dim: 3, Metric: Cosine, Quantization: Int8PerDim})
		must(t, err)
		rp := replayer{idx: idx}
		if _, err := scanLog(bytes.NewReader(b[logHeader:]), int64(len(b)), "test", 3, logVersion, rp.apply); err != nil {
			t.Fatal(err)
		}
		must(t, rp.flush())
		if idx.Len() != len(items) || storeOf(idx).coded() {
			t.Fatalf("%v: replayed %d items (fitted %v), want %d unfitted", kind, idx.Len(), storeOf(idx).coded(), len(items))
		}
		must(t, idx.Upsert(Item{ID: "next", Vector: []float32{0, 0, 1}}))
		if !storeOf(idx).coded() {
			t.Fatalf("%v: the write after replay did not fit the quantizer", kind)
		}
	}
}

// TestEncodeClamps: encode counts a component as clamped when it lies more
// than half a step outside its range, or, in a range of width zero (a
// dimension constant over the fitted items), when it differs from it.
func TestEncodeClamps(t *testing.T) {
	q := newQuantizer([]float32{0, 1}, []float32{0, 0.1})
	codes := make([]uint8, 2)
	for _, c := range []struct {
		x    []float32
		want int
	}{
		{[]float32{0, 1}, 0},
		{[]float32{0, 1 + 255*0.1}, 0},
		{[]float32{0, 1 + 255.4*0.1}, 0}, // within half a step: rounding
		{[]float32{0, 1 + 255.6*0.1}, 1}, // beyond it
		{[]float32{0, 1 - 0.04}, 0},      // -0.4 steps
		{[]float32{0, 1 - 0.06}, 1},      // -0.6 steps
		{[]float32{2, 1}, 1},             // the constant dimension moved
		{[]float32{-1, 1 + 300*0.1}, 2},
	} {
		if got := q.encode(c.x, codes); got != c.want {
			t.Errorf("encode(%v): %d clamped, want %d", c.x, got, c.want)
		}
	}
}
