package optim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// TestVectorUpdatesMatchGoLoops checks the assembly update loops bit for bit
// against the Go loops (which the PyTorch goldens check), on sizes around the
// 16-lane width and with every flag combination.
func TestVectorUpdatesMatchGoLoops(t *testing.T) {
	if !useAVX512 {
		t.Skip("no vector update loops on this build or CPU")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	vec := func(n int, scale float32) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = scale * float32(rng.NormFloat64())
		}
		return v
	}
	run := func(avx bool, f func()) {
		old := useAVX512
		useAVX512 = avx
		defer func() { useAVX512 = old }()
		f()
	}
	same := func(t *testing.T, what string, a, b []float32) {
		t.Helper()
		for i := range a {
			if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
				t.Fatalf("%s[%d]: vector %v, Go %v", what, i, a[i], b[i])
			}
		}
	}
	for _, n := range []int{15, 16, 17, 47, 1000} {
		for _, wd := range []float32{0, 1e-4} {
			for _, nesterov := range []bool{false, true} {
				for _, first := range []bool{false, true} {
					t.Run(fmt.Sprintf("sgd n=%d wd=%v nesterov=%v first=%v", n, wd, nesterov, first), func(t *testing.T) {
						w, g, buf := vec(n, 1), vec(n, 0.1), vec(n, 0.1)
						w2, buf2 := append([]float32(nil), w...), append([]float32(nil), buf...)
						run(true, func() { sgdMomentum(w, g, buf, -0.05, wd, 0.9, 1, nesterov, first) })
						run(false, func() { sgdMomentum(w2, g, buf2, -0.05, wd, 0.9, 1, nesterov, first) })
						same(t, "w", w, w2)
						same(t, "buf", buf, buf2)
					})
				}
			}
			for _, decay := range []float32{1, 0.999} {
				t.Run(fmt.Sprintf("adam n=%d l2=%v decay=%v", n, wd, decay), func(t *testing.T) {
					w, g, m := vec(n, 1), vec(n, 0.1), vec(n, 0.01)
					v := vec(n, 0.01)
					for i := range v {
						v[i] *= v[i]
					}
					w2, m2, v2 := append([]float32(nil), w...), append([]float32(nil), m...), append([]float32(nil), v...)
					args := func(w, m, v []float32) {
						adamUpdate(w, g, m, v, wd, decay, 0.9, 0.999, 0.1, 0.001, 0.0316, 1e-8, -1e-3)
					}
					run(true, func() { args(w, m, v) })
					run(false, func() { args(w2, m2, v2) })
					same(t, "w", w, w2)
					same(t, "m", m, m2)
					same(t, "v", v, v2)
				})
			}
		}
	}
}
