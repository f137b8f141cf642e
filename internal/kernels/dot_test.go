package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// naive float64 oracles
func dotRef(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func l2Ref(a, b []float32) float64 {
	var s float64
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return s
}

func dotU8Ref(a []float32, b []uint8) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func randVec(r *rand.Rand, n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(r.NormFloat64())
	}
	return v
}

func randCodes(r *rand.Rand, n int) []uint8 {
	v := make([]uint8, n)
	for i := range v {
		v[i] = uint8(r.IntN(256))
	}
	return v
}

// closeTo allows float32 rounding error relative to the sum of magnitudes.
func closeTo(got float32, want, mag float64) bool {
	return math.Abs(float64(got)-want) <= 1e-5*mag+1e-6
}

func TestDotKernels(t *testing.T) {
	t.Logf("distance kernels: %s", dotPath())
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 63, 64, 65, 100, 128, 129, 300, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			a, b := randVec(r, n), randVec(r, n)
			c := randCodes(r, n)
			var mag, magU float64
			for i := range a {
				mag += math.Abs(float64(a[i]) * float64(b[i]))
				magU += math.Abs(float64(a[i]) * float64(c[i]))
			}
			if got, want := Dot(a, b), dotRef(a, b); !closeTo(got, want, mag) {
				t.Errorf("Dot = %v, want %v", got, want)
			}
			if got, want := dotGeneric(a, b), dotRef(a, b); !closeTo(got, want, mag) {
				t.Errorf("dotGeneric = %v, want %v", got, want)
			}
			l2 := l2Ref(a, b)
			if got := L2Sq(a, b); !closeTo(got, l2, l2) {
				t.Errorf("L2Sq = %v, want %v", got, l2)
			}
			if got := l2sqGeneric(a, b); !closeTo(got, l2, l2) {
				t.Errorf("l2sqGeneric = %v, want %v", got, l2)
			}
			if got, want := DotU8(a, c), dotU8Ref(a, c); !closeTo(got, want, magU) {
				t.Errorf("DotU8 = %v, want %v", got, want)
			}
			if got, want := dotU8Generic(a, c), dotU8Ref(a, c); !closeTo(got, want, magU) {
				t.Errorf("dotU8Generic = %v, want %v", got, want)
			}
		})
	}
}

// Slices that start at odd offsets (unaligned) and end right before unmapped
// capacity must be handled without reading past their length.
func TestDotKernelsOffsets(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	buf := randVec(r, 300)
	codes := randCodes(r, 300)
	for off := 0; off < 17; off++ {
		n := 128 + off
		a := buf[off : off+n : off+n]
		b := buf[300-n:]
		c := codes[300-n:]
		if got, want := Dot(a, b), dotRef(a, b); math.Abs(float64(got)-want) > 1e-3 {
			t.Errorf("off %d: Dot = %v, want %v", off, got, want)
		}
		if got, want := DotU8(a, c), dotU8Ref(a, c); math.Abs(float64(got)-want) > 1e-1 {
			t.Errorf("off %d: DotU8 = %v, want %v", off, got, want)
		}
	}
}

func TestDotLengthMismatchPanics(t *testing.T) {
	for name, f := range map[string]func(){
		"Dot":   func() { Dot(make([]float32, 3), make([]float32, 4)) },
		"L2Sq":  func() { L2Sq(make([]float32, 3), make([]float32, 4)) },
		"DotU8": func() { DotU8(make([]float32, 3), make([]uint8, 4)) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			f()
		})
	}
}

func BenchmarkDot(b *testing.B) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{32, 128, 768} {
		x, y := randVec(r, n), randVec(r, n)
		c := randCodes(r, n)
		bench := func(name string, f func()) {
			b.Run(fmt.Sprintf("%s/%d", name, n), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					f()
				}
				b.ReportMetric(float64(2*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOPS")
			})
		}
		var sink float32
		bench("Dot", func() { sink += Dot(x, y) })
		bench("DotGeneric", func() { sink += dotGeneric(x, y) })
		bench("L2Sq", func() { sink += L2Sq(x, y) })
		bench("DotU8", func() { sink += DotU8(x, c) })
		_ = sink
	}
}

func TestDotRows(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, d := range []int{1, 5, 16, 128, 300} {
		t.Run(fmt.Sprint(d), func(t *testing.T) {
			const n = 50
			data := randVec(r, n*d)
			codes := randCodes(r, n*d)
			q := randVec(r, d)
			rows := []uint32{49, 0, 7, 7, 23}
			out := make([]float32, len(rows))
			check := func(name string, want func(row int) float64) {
				for i, row := range rows {
					if w := want(int(row)); math.Abs(float64(out[i])-w) > 1e-3*(1+math.Abs(w)) {
						t.Errorf("%s row %d: %v, want %v", name, row, out[i], w)
					}
				}
			}
			DotRows(q, data, rows, out)
			check("DotRows", func(i int) float64 { return dotRef(q, data[i*d:(i+1)*d]) })
			L2SqRows(q, data, rows, out)
			check("L2SqRows", func(i int) float64 { return l2Ref(q, data[i*d:(i+1)*d]) })
			DotU8Rows(q, codes, rows, out)
			check("DotU8Rows", func(i int) float64 { return dotU8Ref(q, codes[i*d:(i+1)*d]) })
		})
	}
	defer func() {
		if recover() == nil {
			t.Fatal("row out of range: no panic")
		}
	}()
	DotRows(make([]float32, 4), make([]float32, 8), []uint32{2}, make([]float32, 1))
}
