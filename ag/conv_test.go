package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// convRef is the direct 7-loop convolution (with groups) in float64.
func convRef(x, w, b *tensor.Tensor, stride, pad, groups int) *tensor.Tensor {
	n, c, h, wd := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	o, cg, kh, kw := w.Shape[0], w.Shape[1], w.Shape[2], w.Shape[3]
	og := o / groups
	oh, ow := (h+2*pad-kh)/stride+1, (wd+2*pad-kw)/stride+1
	out := tensor.New(n, o, oh, ow)
	for in := 0; in < n; in++ {
		for oc := 0; oc < o; oc++ {
			gr := oc / og
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					var s float64
					if b != nil {
						s = float64(b.Data[oc])
					}
					for ci := 0; ci < cg; ci++ {
						for ky := 0; ky < kh; ky++ {
							for kx := 0; kx < kw; kx++ {
								iy, ix := oy*stride-pad+ky, ox*stride-pad+kx
								if iy < 0 || iy >= h || ix < 0 || ix >= wd {
									continue
								}
								s += float64(x.At(in, gr*cg+ci, iy, ix)) * float64(w.At(oc, ci, ky, kx))
							}
						}
					}
					out.Set(float32(s), in, oc, oy, ox)
				}
			}
		}
	}
	_ = c
	return out
}

// maxPoolRef is the naive max pool of a (N, C, H, W) tensor.
func maxPoolRef(x *tensor.Tensor, k, s int) *tensor.Tensor {
	n, c, h, w := x.Shape[0], x.Shape[1], x.Shape[2], x.Shape[3]
	oh, ow := (h-k)/s+1, (w-k)/s+1
	out := tensor.New(n, c, oh, ow)
	for i := 0; i < n; i++ {
		for j := 0; j < c; j++ {
			for oy := 0; oy < oh; oy++ {
				for ox := 0; ox < ow; ox++ {
					m := float32(math.Inf(-1))
					for ky := 0; ky < k; ky++ {
						for kx := 0; kx < k; kx++ {
							m = max(m, x.At(i, j, oy*s+ky, ox*s+kx))
						}
					}
					out.Set(m, i, j, oy, ox)
				}
			}
		}
	}
	return out
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		if d := math.Abs(float64(got[i]) - float64(want[i])); d > tol*math.Max(1, math.Abs(float64(want[i]))) || got[i] != got[i] {
			t.Fatalf("%s[%d] = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// withChunk runs f with convChunkFloats set to v (0 keeps the default).
func withChunk(v int, f func()) {
	if v == 0 {
		f()
		return
	}
	old := convChunkFloats
	convChunkFloats = v
	defer func() { convChunkFloats = old }()
	f()
}

type convCase struct {
	name                string
	n, c, h, w          int
	o, kh, kw           int
	stride, pad, groups int
	bias                bool
	chunk               int // convChunkFloats override: small values force many chunks
}

var convCases = []convCase{
	{"W1conv1", 2, 1, 10, 10, 4, 3, 3, 1, 0, 1, true, 0},
	{"stride2pad1", 2, 3, 7, 6, 4, 3, 3, 2, 1, 1, true, 0},
	{"groups2", 2, 4, 5, 6, 6, 3, 2, 1, 1, 2, true, 0},
	{"groups2stride2nobias", 3, 4, 7, 5, 4, 2, 3, 2, 0, 2, false, 1},
	{"nonsquare1x1", 2, 3, 4, 7, 5, 1, 1, 1, 0, 1, true, 0},
	{"kgLessThanOg", 3, 1, 6, 5, 8, 2, 2, 1, 1, 1, true, 40},
	{"manyChunks", 5, 2, 6, 6, 3, 3, 3, 1, 1, 1, true, 1},
	{"depthwise", 2, 3, 5, 5, 3, 3, 3, 1, 1, 3, true, 0},
}

func (c convCase) inputs() (x, w, b *tensor.Tensor) {
	x = randT(11, c.n, c.c, c.h, c.w)
	w = randT(12, c.o, c.c/c.groups, c.kh, c.kw)
	if c.bias {
		b = randT(13, c.o)
	}
	return
}

func TestConv2dForward(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			x, w, b := c.inputs()
			want := convRef(x, w, b, c.stride, c.pad, c.groups)
			withChunk(c.chunk, func() {
				tp := NewTape(false)
				var bv *Var
				if b != nil {
					bv = Const(b)
				}
				got := tp.Conv2d(Const(x), Const(w), bv, c.stride, c.pad, c.groups)
				if fmt.Sprint(got.Shape()) != fmt.Sprint(want.Shape) {
					t.Fatalf("shape %v, want %v", got.Shape(), want.Shape)
				}
				assertClose(t, "out", got.Value.Data, want.Data, 1e-4)
				// Fused ReLU and ReLU+MaxPool against the reference composed by hand.
				relu := tensor.Map(want, func(v float32) float32 { return max(v, 0) })
				assertClose(t, "relu", tp.Conv2dReLU(Const(x), Const(w), bv, c.stride, c.pad, c.groups).Value.Data, relu.Data, 1e-4)
				if want.Shape[2] >= 2 && want.Shape[3] >= 2 {
					pooled := maxPoolRef(relu, 2, 2)
					f := tp.Conv2dFused(Const(x), Const(w), bv, c.stride, c.pad, c.groups, ConvFuse{ReLU: true, PoolK: 2})
					assertClose(t, "relu+pool", f.Value.Data, pooled.Data, 1e-4)
					f = tp.Conv2dFused(Const(x), Const(w), bv, c.stride, c.pad, c.groups, ConvFuse{PoolK: 2})
					assertClose(t, "pool", f.Value.Data, maxPoolRef(want, 2, 2).Data, 1e-4)
				}
				if want.Shape[2] >= 3 && want.Shape[3] >= 3 { // a general window, no argmax kept
					f := tp.Conv2dFused(Const(x), Const(w), bv, c.stride, c.pad, c.groups, ConvFuse{ReLU: true, PoolK: 3, PoolStride: 1})
					assertClose(t, "relu+pool3", f.Value.Data, maxPoolRef(relu, 3, 1).Data, 1e-4)
				}
			})
		})
	}
}

func TestGradConv2d(t *testing.T) {
	for _, c := range convCases {
		t.Run(c.name, func(t *testing.T) {
			x, w, b := c.inputs()
			ins := []*tensor.Tensor{x, w}
			if b != nil {
				ins = append(ins, b)
			}
			bias := func(v []*Var) *Var {
				if len(v) > 2 {
					return v[2]
				}
				return nil
			}
			withChunk(c.chunk, func() {
				gradCheckPW(t, "Conv2d", func(tp *Tape, v []*Var) *Var {
					return tp.Conv2d(v[0], v[1], bias(v), c.stride, c.pad, c.groups)
				}, ins...)
				gradCheckPW(t, "Conv2dReLU", func(tp *Tape, v []*Var) *Var {
					return tp.Conv2dReLU(v[0], v[1], bias(v), c.stride, c.pad, c.groups)
				}, ins...)
				gradCheckPW(t, "Conv2dMaxPool", func(tp *Tape, v []*Var) *Var {
					return tp.Conv2dFused(v[0], v[1], bias(v), c.stride, c.pad, c.groups, ConvFuse{PoolK: 2, PoolStride: 1})
				}, ins...)
				gradCheckPW(t, "Conv2dReLUMaxPool", func(tp *Tape, v []*Var) *Var {
					return tp.Conv2dFused(v[0], v[1], bias(v), c.stride, c.pad, c.groups, ConvFuse{ReLU: true, PoolK: 2})
				}, ins...)
			})
		})
	}
}

// TestConvFusedMatchesUnfused checks that the fused op gives the gradients of the
// composition of separate ops, exactly as they would flow through them.
func TestConvFusedMatchesUnfused(t *testing.T) {
	x, w, b := randT(21, 3, 2, 9, 8), randT(22, 4, 2, 3, 3), randT(23, 4)
	gy := randT(24, 3, 4, 3, 3)
	run := func(fused bool) [][]float32 {
		xv, wv, bv := Param("x", x.Clone()), Param("w", w.Clone()), Param("b", b.Clone())
		tp := NewTape(true)
		var y *Var
		if fused {
			y = tp.Conv2dFused(xv, wv, bv, 1, 1, 1, ConvFuse{ReLU: true, PoolK: 3, PoolStride: 3})
		} else {
			y = tp.MaxPool2d(tp.ReLU(tp.Conv2d(xv, wv, bv, 1, 1, 1)), 3, 3)
		}
		tp.BackwardWith(y, gy.Data)
		return [][]float32{y.Value.Data, xv.Grad.Data, wv.Grad.Data, bv.Grad.Data}
	}
	f, u := run(true), run(false)
	for i, name := range []string{"y", "dx", "dw", "db"} {
		assertClose(t, name, f[i], u[i], 1e-5)
	}
}

func TestConv2dPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		x, w []int
		b    int
		s, p int
		g    int
	}{
		{"3-D input", []int{1, 4, 4}, []int{2, 1, 3, 3}, 0, 1, 0, 1},
		{"channels", []int{1, 3, 5, 5}, []int{2, 2, 3, 3}, 0, 1, 0, 1},
		{"groups", []int{1, 4, 5, 5}, []int{3, 2, 3, 3}, 0, 1, 0, 2},
		{"bias", []int{1, 1, 5, 5}, []int{2, 1, 3, 3}, 3, 1, 0, 1},
		{"kernel too big", []int{1, 1, 2, 2}, []int{2, 1, 3, 3}, 0, 1, 0, 1},
		{"stride 0", []int{1, 1, 5, 5}, []int{2, 1, 3, 3}, 0, 0, 0, 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			var b *Var
			if c.b > 0 {
				b = Const(tensor.New(c.b))
			}
			NewTape(false).Conv2d(Const(tensor.New(c.x...)), Const(tensor.New(c.w...)), b, c.s, c.p, c.g)
		})
	}
}

// TestConvStoreCols checks that keeping the forward's column matrices for
// backward gives the very gradients that unfolding again does.
func TestConvStoreCols(t *testing.T) {
	x, w, b := randT(25, 3, 4, 7, 6), randT(26, 6, 2, 3, 3), randT(27, 6)
	gy := randT(28, 3, 6, 3, 2)
	run := func(store bool) [][]float32 {
		old := convStoreCols
		convStoreCols = store
		defer func() { convStoreCols = old }()
		xv, wv, bv := Param("x", x.Clone()), Param("w", w.Clone()), Param("b", b.Clone())
		tp := NewTape(true)
		y := tp.Conv2dFused(xv, wv, bv, 1, 1, 2, ConvFuse{ReLU: true, PoolK: 2})
		tp.BackwardWith(y, gy.Data)
		return [][]float32{xv.Grad.Data, wv.Grad.Data, bv.Grad.Data}
	}
	withChunk(100, func() {
		s, r := run(true), run(false)
		for i, name := range []string{"dx", "dw", "db"} {
			assertClose(t, name, s[i], r[i], 0)
		}
	})
}
