package augment

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 99)) }

func randImage(rng *rand.Rand, s Shape) []float32 {
	x := make([]float32, s.Len())
	for i := range x {
		x[i] = rng.Float32()
	}
	return x
}

// at reads pixel (c, y, x) of an image of shape s.
func at(img []float32, s Shape, c, y, x int) float32 { return img[(c*s.H+y)*s.W+x] }

func maxAbsDiff(a, b []float32) float64 {
	if len(a) != len(b) {
		return math.Inf(1)
	}
	var m float64
	for i := range a {
		m = max(m, math.Abs(float64(a[i])-float64(b[i])))
	}
	return m
}

func assertClose(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if d := maxAbsDiff(got, want); !(d <= tol) {
		t.Fatalf("%s: max |got-want| = %g > %g", what, d, tol)
	}
}

// mustPanic runs f and checks it panics with a message containing "augment:".
func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if r == nil {
			t.Fatalf("%s: no panic", what)
		}
		if msg, ok := r.(string); !ok || !strings.HasPrefix(msg, "augment:") {
			t.Fatalf("%s: panic %v lacks the augment: prefix", what, r)
		}
	}()
	f()
}

// apply runs t on src with a fresh rng of the given seed.
func apply(t Image, seed uint64, src []float32, s Shape) []float32 {
	dst := make([]float32, t.OutShape(s).Len())
	t.Apply(newRNG(seed), dst, src, s)
	return dst
}

// inRange reports whether every value lies in [0, 1].
func inRange(x []float32) bool {
	for _, v := range x {
		if !(v >= 0 && v <= 1) {
			return false
		}
	}
	return true
}
