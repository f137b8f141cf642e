package ag

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// bnStats returns the per-channel mean, biased and unbiased variance of x (N, C, ...).
func bnStats(x *tensor.Tensor) (mean, biased, unbiased []float64) {
	n, c := x.Shape[0], x.Shape[1]
	s := x.Numel() / (n * c)
	m := float64(n * s)
	mean, biased, unbiased = make([]float64, c), make([]float64, c), make([]float64, c)
	for ch := 0; ch < c; ch++ {
		for b := 0; b < n; b++ {
			for _, v := range x.Data[(b*c+ch)*s : (b*c+ch+1)*s] {
				mean[ch] += float64(v) / m
			}
		}
		for b := 0; b < n; b++ {
			for _, v := range x.Data[(b*c+ch)*s : (b*c+ch+1)*s] {
				d := float64(v) - mean[ch]
				biased[ch] += d * d / m
				unbiased[ch] += d * d / (m - 1)
			}
		}
	}
	return
}

// bnRef applies y = (x - mean)/sqrt(var + eps)*gamma + beta per channel.
func bnRef(x *tensor.Tensor, mean, variance []float64, gamma, beta *tensor.Tensor, eps float64) []float32 {
	n, c := x.Shape[0], x.Shape[1]
	s := x.Numel() / (n * c)
	out := make([]float32, x.Numel())
	for b := 0; b < n; b++ {
		for ch := 0; ch < c; ch++ {
			for j := 0; j < s; j++ {
				i := (b*c+ch)*s + j
				y := (float64(x.Data[i]) - mean[ch]) / math.Sqrt(variance[ch]+eps)
				if gamma != nil {
					y *= float64(gamma.Data[ch])
				}
				if beta != nil {
					y += float64(beta.Data[ch])
				}
				out[i] = float32(y)
			}
		}
	}
	return out
}

func TestBatchNormForward(t *testing.T) {
	const mom, eps = 0.1, 1e-5
	for _, shape := range [][]int{{6, 3}, {4, 3, 5, 3}, {3, 2, 7}, {2, 1, 1, 1}} {
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			c := shape[1]
			x := randT(51, shape...)
			x.Scale(3)
			gamma, beta := randT(52, c), randT(53, c)
			rm0, rv0 := randT(54, c), tensor.New(c).Uniform(tensor.NewRNG(55), 0.5, 2)
			rm, rv := rm0.Clone(), rv0.Clone()
			mean, biased, unbiased := bnStats(x)

			// Training: batch statistics, running stats updated with the unbiased variance.
			y := NewTape(false).BatchNorm(Const(x), Const(gamma), Const(beta), rm, rv, true, mom, eps)
			assertClose(t, "train", y.Value.Data, bnRef(x, mean, biased, gamma, beta, eps), 1e-5)
			for ch := 0; ch < c; ch++ {
				wm := (1-mom)*float64(rm0.Data[ch]) + mom*mean[ch]
				wv := (1-mom)*float64(rv0.Data[ch]) + mom*unbiased[ch]
				assertClose(t, "runMean", rm.Data[ch:ch+1], []float32{float32(wm)}, 1e-6)
				assertClose(t, "runVar", rv.Data[ch:ch+1], []float32{float32(wv)}, 1e-6)
			}

			// Evaluation: the running statistics, which stay as they are.
			rm1, rv1 := rm.Clone(), rv.Clone()
			y = NewTape(false).BatchNorm(Const(x), Const(gamma), Const(beta), rm, rv, false, mom, eps)
			em, ev := make([]float64, c), make([]float64, c)
			for ch := range em {
				em[ch], ev[ch] = float64(rm.Data[ch]), float64(rv.Data[ch])
			}
			assertClose(t, "eval", y.Value.Data, bnRef(x, em, ev, gamma, beta, eps), 1e-5)
			assertClose(t, "eval keeps runMean", rm.Data, rm1.Data, 0)
			assertClose(t, "eval keeps runVar", rv.Data, rv1.Data, 0)

			// No running statistics and no affine: batch statistics in either mode.
			for _, train := range []bool{true, false} {
				y = NewTape(false).BatchNorm(Const(x), nil, nil, nil, nil, train, mom, eps)
				assertClose(t, "untracked", y.Value.Data, bnRef(x, mean, biased, nil, nil, eps), 1e-5)
			}
		})
	}
}

func TestGradBatchNorm(t *testing.T) {
	for _, shape := range [][]int{{6, 3}, {3, 2, 4, 3}} {
		c := shape[1]
		x, gamma, beta := randT(56, shape...), randT(57, c), randT(58, c)
		rm, rv := randT(59, c), tensor.New(c).Uniform(tensor.NewRNG(60), 0.5, 2)
		for _, train := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v,train=%v", shape, train), func(t *testing.T) {
				gradCheckPW(t, "BatchNorm", func(tp *Tape, v []*Var) *Var {
					// Fresh running stats per call: training updates them.
					return tp.BatchNorm(v[0], v[1], v[2], rm.Clone(), rv.Clone(), train, 0.1, 1e-5)
				}, x, gamma, beta)
				gradCheckPW(t, "BatchNormNoAffine", func(tp *Tape, v []*Var) *Var {
					return tp.BatchNorm(v[0], nil, nil, rm.Clone(), rv.Clone(), train, 0.1, 1e-5)
				}, x)
			})
		}
	}
}

func TestBatchNormPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"one value per channel", func() {
			NewTape(false).BatchNorm(Const(tensor.New(1, 3)), nil, nil, nil, nil, true, 0.1, 1e-5)
		}},
		{"gamma shape", func() {
			NewTape(false).BatchNorm(Const(tensor.New(4, 3)), Const(tensor.New(2)), nil, nil, nil, true, 0.1, 1e-5)
		}},
		{"1-D input", func() {
			NewTape(false).BatchNorm(Const(tensor.New(4)), nil, nil, nil, nil, true, 0.1, 1e-5)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			c.f()
		})
	}
}
