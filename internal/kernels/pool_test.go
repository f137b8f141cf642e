package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/internal/cputime"
)

// maxPoolRef is the naive max pool, with the winner's plane offset.
func maxPoolRef(x []float32, planes, h, w, k, s int) ([]float32, []int32) {
	oh, ow := (h-k)/s+1, (w-k)/s+1
	y := make([]float32, planes*oh*ow)
	arg := make([]int32, planes*oh*ow)
	for p := 0; p < planes; p++ {
		for oy := 0; oy < oh; oy++ {
			for ox := 0; ox < ow; ox++ {
				m, mi := float32(math.Inf(-1)), -1
				for ky := 0; ky < k; ky++ {
					for kx := 0; kx < k; kx++ {
						off := (oy*s+ky)*w + ox*s + kx
						if v := x[p*h*w+off]; mi < 0 || v > m {
							m, mi = v, off
						}
					}
				}
				y[(p*oh+oy)*ow+ox], arg[(p*oh+oy)*ow+ox] = m, int32(mi)
			}
		}
	}
	return y, arg
}

var poolCases = []struct{ planes, h, w, k, s int }{
	{3, 26, 26, 2, 2}, {2, 11, 11, 2, 2}, {2, 7, 9, 3, 2}, {1, 5, 4, 2, 1}, {2, 6, 6, 3, 3}, {1, 3, 3, 3, 1}, {2, 9, 10, 2, 3},
}

func TestMaxPool2d(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := randVec(r, c.planes*c.h*c.w)
			wantY, wantArg := maxPoolRef(x, c.planes, c.h, c.w, c.k, c.s)
			y := make([]float32, len(wantY))
			arg := make([]int32, len(wantY))
			MaxPool2d(y, arg, x, c.planes, c.h, c.w, c.k, c.s)
			for i := range y {
				if y[i] != wantY[i] || arg[i] != wantArg[i] {
					t.Fatalf("out %d: got %v@%d, want %v@%d", i, y[i], arg[i], wantY[i], wantArg[i])
				}
			}
			// Backward routes each gradient to its winner only.
			dy := randVec(r, len(y))
			dx := make([]float32, len(x))
			oh, ow := PoolOut(c.h, c.k, c.s), PoolOut(c.w, c.k, c.s)
			MaxPool2dBackward(dx, dy, arg, c.planes, c.h, c.w, oh, ow)
			want := make([]float32, len(x))
			for i := range dy {
				want[(i/(oh*ow))*c.h*c.w+int(wantArg[i])] += dy[i]
			}
			for i := range dx {
				if dx[i] != want[i] {
					t.Fatalf("dx[%d] = %v, want %v", i, dx[i], want[i])
				}
			}
		})
	}
}

func TestMaxPoolTiesAndNaN(t *testing.T) {
	nan := float32(math.NaN())
	for _, c := range []struct {
		name string
		x    []float32
		arg  int32
		nan  bool
	}{
		{"tie keeps first", []float32{1, 1, 1, 1}, 0, false},
		{"later larger", []float32{1, 2, 2, 0}, 1, false},
		{"bottom right", []float32{0, 1, 2, 3}, 3, false},
		{"NaN wins", []float32{5, nan, 1, 7}, 1, true},
		{"NaN first", []float32{nan, 5, 1, 7}, 0, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, k := range []int{2} {
				y, arg := make([]float32, 1), make([]int32, 1)
				MaxPool2d(y, arg, c.x, 1, 2, 2, k, 2)
				if arg[0] != c.arg || (y[0] != y[0]) != c.nan {
					t.Fatalf("2x2 fast path: %v@%d, want @%d nan=%v", y[0], arg[0], c.arg, c.nan)
				}
				// The general path (stride 1 over the same window) agrees.
				MaxPool2d(y, arg, c.x, 1, 2, 2, k, 1)
				if arg[0] != c.arg || (y[0] != y[0]) != c.nan {
					t.Fatalf("general path: %v@%d, want @%d nan=%v", y[0], arg[0], c.arg, c.nan)
				}
			}
		})
	}
}

func TestAvgPool2d(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range poolCases {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := randVec(r, c.planes*c.h*c.w)
			oh, ow := PoolOut(c.h, c.k, c.s), PoolOut(c.w, c.k, c.s)
			y := make([]float32, c.planes*oh*ow)
			AvgPool2d(y, x, c.planes, c.h, c.w, c.k, c.s)
			dy := randVec(r, len(y))
			dx := make([]float32, len(x))
			AvgPool2dBackward(dx, dy, c.planes, c.h, c.w, c.k, c.s)
			want := make([]float64, len(x))
			for p := 0; p < c.planes; p++ {
				for oy := 0; oy < oh; oy++ {
					for ox := 0; ox < ow; ox++ {
						var s float64
						o := (p*oh+oy)*ow + ox
						for ky := 0; ky < c.k; ky++ {
							for kx := 0; kx < c.k; kx++ {
								i := p*c.h*c.w + (oy*c.s+ky)*c.w + ox*c.s + kx
								s += float64(x[i])
								want[i] += float64(dy[o]) / float64(c.k*c.k)
							}
						}
						if s /= float64(c.k * c.k); math.Abs(float64(y[o])-s) > 1e-6 {
							t.Fatalf("y[%d] = %v, want %v", o, y[o], s)
						}
					}
				}
			}
			for i := range dx {
				if math.Abs(float64(dx[i])-want[i]) > 1e-6 {
					t.Fatalf("dx[%d] = %v, want %v", i, dx[i], want[i])
				}
			}
		})
	}
}

func TestPoolOutPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for a window larger than the input")
		}
	}()
	PoolOut(2, 3, 1)
}

func BenchmarkMaxPool2d(b *testing.B) {
	for _, c := range []struct {
		name            string
		planes, h, w, k int
	}{{"W1pool1", 32 * 16, 26, 26, 2}, {"W1pool2", 64 * 16, 11, 11, 2}, {"3x3s2", 256, 26, 26, 3}} {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 1))
			x := randVec(r, c.planes*c.h*c.w)
			oh, ow := PoolOut(c.h, c.k, 2), PoolOut(c.w, c.k, 2)
			y := make([]float32, c.planes*oh*ow)
			arg := make([]int32, len(y))
			b.ReportAllocs()
			cpu0 := cputime.Process().Seconds()
			for b.Loop() {
				MaxPool2d(y, arg, x, c.planes, c.h, c.w, c.k, 2)
			}
			b.ReportMetric(float64(len(x))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
			if cpu := cputime.Process().Seconds() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(x))*float64(b.N)/cpu/1e9, "Gfloat/cpu-s")
			}
		})
	}
}

// TestMaxPoolPlaneFused checks the conv-epilogue pooling (bias, ReLU) and its
// dense gradient against the naive pool, on planes wide enough for several
// 16-output blocks and with odd sizes that floor mode truncates.
func TestMaxPoolPlaneFused(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, c := range []struct{ h, w, k, s int }{
		{26, 26, 2, 2}, {11, 11, 2, 2}, {5, 70, 2, 2}, {3, 33, 2, 2}, {2, 2, 2, 2}, {7, 9, 3, 2}, {6, 5, 2, 1},
	} {
		for _, relu := range []bool{false, true} {
			t.Run(fmt.Sprintf("%+v,relu=%v", c, relu), func(t *testing.T) {
				x := randVec(r, c.h*c.w)
				const bias = 0.25
				wantY, wantArg := maxPoolRef(x, 1, c.h, c.w, c.k, c.s)
				for i := range wantY {
					wantY[i] += bias
					if relu {
						wantY[i] = max(wantY[i], 0)
					}
				}
				y := make([]float32, len(wantY))
				arg := make([]int32, len(wantY))
				MaxPoolPlaneBias(y, arg, x, c.h, c.w, c.k, c.s, bias, relu)
				for i := range y {
					if y[i] != wantY[i] || arg[i] != wantArg[i] {
						t.Fatalf("out %d: %v@%d, want %v@%d", i, y[i], arg[i], wantY[i], wantArg[i])
					}
				}
				g := randVec(r, len(y))
				want := make([]float32, len(x))
				var wantSum float64
				for i, v := range g {
					if relu && !(y[i] > 0) {
						continue
					}
					want[wantArg[i]] += v
					wantSum += float64(v)
				}
				dst := randVec(r, len(x)) // garbage: every element must be written
				s := MaxPoolPlaneGrad(dst, g, y, arg, c.h, c.w, c.k, c.s, relu)
				for i := range dst {
					if dst[i] != want[i] {
						t.Fatalf("grad[%d] = %v, want %v", i, dst[i], want[i])
					}
				}
				if math.Abs(float64(s)-wantSum) > 1e-5*(1+math.Abs(wantSum)) {
					t.Fatalf("routed sum %v, want %v", s, wantSum)
				}
			})
		}
	}
}

// TestMaxPool2x2Rows checks the pixel-major pooling against the plane pooling of
// the same map, channel by channel.
func TestMaxPool2x2Rows(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	for _, c := range []struct{ c, ldx, h, w int }{
		{32, 32, 26, 26}, {64, 64, 11, 11}, {5, 7, 5, 6}, {17, 20, 4, 3}, {40, 40, 3, 9},
	} {
		for _, relu := range []bool{false, true} {
			t.Run(fmt.Sprintf("%+v,relu=%v", c, relu), func(t *testing.T) {
				x := randVec(r, c.h*c.w*c.ldx)
				bias := randVec(r, c.c)
				oh, ow := c.h/2, c.w/2
				y := randVec(r, oh*ow*c.c)
				arg := make([]int32, len(y))
				MaxPool2x2Rows(y, arg, x, c.ldx, c.c, c.h, c.w, bias, relu)
				plane := make([]float32, c.h*c.w)
				py, pa := make([]float32, oh*ow), make([]int32, oh*ow)
				for ch := 0; ch < c.c; ch++ {
					for p := range plane {
						plane[p] = x[p*c.ldx+ch]
					}
					MaxPoolPlaneBias(py, pa, plane, c.h, c.w, 2, 2, bias[ch], relu)
					for q := range py {
						if got, ga := y[q*c.c+ch], arg[q*c.c+ch]; got != py[q] || ga != pa[q] {
							t.Fatalf("channel %d out %d: %v@%d, want %v@%d", ch, q, got, ga, py[q], pa[q])
						}
					}
				}
			})
		}
	}
}
