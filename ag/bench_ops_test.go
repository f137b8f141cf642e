package ag

import (
	"fmt"
	"testing"
)

// benchOp times forward+backward of op on a (rows, cols) input in steady state
// (the tape reset and its pool reused every iteration), reporting elements/s.
func benchOp(b *testing.B, rows, cols int, op func(tp *Tape, x *Var) *Var) {
	x := Param("x", randT(1, rows, cols))
	tp := NewTape(true)
	step := func() {
		tp.Reset()
		out := op(tp, x)
		if out.Value.Numel() == 1 {
			tp.Backward(out)
		} else {
			tp.BackwardWith(out, out.Value.Data)
		}
	}
	step()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(rows*cols)*float64(b.N)/b.Elapsed().Seconds(), "elems/s")
}

func BenchmarkOps(b *testing.B) {
	targets := make([]int, 256)
	for i := range targets {
		targets[i] = i % 10
	}
	ops := []struct {
		name string
		op   func(tp *Tape, x *Var) *Var
	}{
		{"Softmax", func(tp *Tape, x *Var) *Var { return tp.Softmax(x, -1) }},
		{"LogSoftmax", func(tp *Tape, x *Var) *Var { return tp.LogSoftmax(x, -1) }},
		{"LogSumExp", func(tp *Tape, x *Var) *Var { return tp.LogSumExp(x, -1, false) }},
		{"CrossEntropy", func(tp *Tape, x *Var) *Var { return tp.CrossEntropy(x, targets, 0.1) }},
		{"L2Normalize", func(tp *Tape, x *Var) *Var { return tp.L2Normalize(x, 1e-12) }},
		{"GELUTanh", func(tp *Tape, x *Var) *Var { return tp.GELU(x, GELUTanh) }},
		{"GELUExact", func(tp *Tape, x *Var) *Var { return tp.GELU(x, GELUExact) }},
		{"Max", func(tp *Tape, x *Var) *Var { return tp.Max(x, false, -1) }},
		{"Transpose", func(tp *Tape, x *Var) *Var { return tp.Transpose(x, 0, 1) }},
	}
	for _, o := range ops {
		for _, cols := range []int{512} {
			b.Run(fmt.Sprintf("%s/256x%d", o.name, cols), func(b *testing.B) { benchOp(b, 256, cols, o.op) })
		}
	}
}
