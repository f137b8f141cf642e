package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/internal/cputime"
)

var convGeoms = []struct{ c, h, w, kh, kw, s, p int }{
	{1, 28, 28, 3, 3, 1, 0},
	{3, 7, 5, 3, 3, 1, 1},
	{2, 9, 8, 3, 2, 2, 1},
	{2, 5, 6, 1, 1, 1, 0},
	{1, 4, 4, 5, 5, 1, 2},   // kernel larger than the input, only padding makes it fit
	{2, 6, 7, 3, 3, 3, 2},   // stride larger than the kernel: some input never read
	{1, 3, 3, 3, 3, 1, 4},   // rows and columns made only of padding
	{3, 11, 13, 4, 3, 2, 0}, // even kernel, odd sizes, floor
}

// im2colRef reads each column entry straight from its definition.
func im2colRef(x []float32, g ConvGeom) []float32 {
	p := g.Pixels()
	col := make([]float32, g.Rows()*p)
	for c := 0; c < g.C; c++ {
		for kh := 0; kh < g.KH; kh++ {
			for kw := 0; kw < g.KW; kw++ {
				r := (c*g.KH+kh)*g.KW + kw
				for oy := 0; oy < g.OH; oy++ {
					for ox := 0; ox < g.OW; ox++ {
						iy, ix := oy*g.Stride-g.Pad+kh, ox*g.Stride-g.Pad+kw
						if iy >= 0 && iy < g.H && ix >= 0 && ix < g.W {
							col[r*p+oy*g.OW+ox] = x[(c*g.H+iy)*g.W+ix]
						}
					}
				}
			}
		}
	}
	return col
}

func TestIm2col(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, c := range convGeoms {
		g := NewConvGeom(c.c, c.h, c.w, c.kh, c.kw, c.s, c.p)
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			x := randVec(r, c.c*c.h*c.w)
			want := im2colRef(x, g)
			p := g.Pixels()
			// A wider matrix with poisoned slack checks ldc and that every entry is written.
			ldc := p + 3
			col := make([]float32, g.Rows()*ldc)
			for i := range col {
				col[i] = float32(math.NaN())
			}
			Im2col(col, ldc, x, g)
			for row := 0; row < g.Rows(); row++ {
				for j := 0; j < p; j++ {
					if got := col[row*ldc+j]; got != want[row*p+j] {
						t.Fatalf("col[%d,%d] = %v, want %v", row, j, got, want[row*p+j])
					}
				}
			}
			// Col2im is the adjoint: <Im2col(x), u> == <x, Col2im(u)> for any u.
			u := randVec(r, g.Rows()*ldc)
			var lhs, rhs float64
			for row := 0; row < g.Rows(); row++ {
				for j := 0; j < p; j++ {
					lhs += float64(want[row*p+j]) * float64(u[row*ldc+j])
				}
			}
			dx := make([]float32, len(x))
			Col2im(dx, u, ldc, g)
			for i := range x {
				rhs += float64(x[i]) * float64(dx[i])
			}
			if math.Abs(lhs-rhs) > 1e-4*(1+math.Abs(lhs)) {
				t.Fatalf("adjoint: <im2col x, u> = %v, <x, col2im u> = %v", lhs, rhs)
			}
		})
	}
}

func TestNewConvGeomPanics(t *testing.T) {
	for _, c := range []struct{ c, h, w, kh, kw, s, p int }{
		{1, 2, 2, 3, 3, 1, 0}, {0, 4, 4, 3, 3, 1, 0}, {1, 4, 4, 3, 3, 0, 0}, {1, 4, 4, 3, 3, 1, -1},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			NewConvGeom(c.c, c.h, c.w, c.kh, c.kw, c.s, c.p)
		})
	}
}

func BenchmarkIm2col(b *testing.B) {
	for _, c := range []struct {
		name string
		n    int
		g    ConvGeom
	}{
		{"W1conv1", 64, NewConvGeom(1, 28, 28, 3, 3, 1, 0)},
		{"W1conv2", 16, NewConvGeom(32, 13, 13, 3, 3, 1, 0)},
	} {
		r := rand.New(rand.NewPCG(1, 1))
		x := randVec(r, c.n*c.g.C*c.g.H*c.g.W)
		p := c.g.Pixels()
		ldc := c.n * p
		col := make([]float32, c.g.Rows()*ldc)
		hw := c.g.C * c.g.H * c.g.W
		b.Run(c.name+"/im2col", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Process().Seconds()
			for b.Loop() {
				for i := 0; i < c.n; i++ {
					Im2col(col[i*p:], ldc, x[i*hw:], c.g)
				}
			}
			b.ReportMetric(float64(len(col))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
			if cpu := cputime.Process().Seconds() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(col))*float64(b.N)/cpu/1e9, "Gfloat/cpu-s")
			}
		})
		b.Run(c.name+"/col2im", func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cputime.Process().Seconds()
			for b.Loop() {
				for i := 0; i < c.n; i++ {
					Col2im(x[i*hw:], col[i*p:], ldc, c.g)
				}
			}
			b.ReportMetric(float64(len(col))*float64(b.N)/b.Elapsed().Seconds()/1e9, "Gfloat/s")
			if cpu := cputime.Process().Seconds() - cpu0; cpu > 0 {
				b.ReportMetric(float64(len(col))*float64(b.N)/cpu/1e9, "Gfloat/cpu-s")
			}
		})
	}
}

func TestCopyAddRows(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	for _, c := range []struct{ rows, n, ds, ss int }{
		{1, 1, 1, 1}, {3, 11, 11, 13}, {5, 16, 16, 20}, {4, 17, 40, 17}, {2, 33, 33, 35}, {7, 5, 9, 6}, {1, 0, 1, 1},
	} {
		t.Run(fmt.Sprintf("%+v", c), func(t *testing.T) {
			src := randVec(r, c.rows*c.ss+c.n)
			dst := randVec(r, c.rows*c.ds+c.n+5)
			want := append([]float32(nil), dst...)
			copyRowsGeneric(want, c.ds, src, c.ss, c.rows, c.n)
			got := append([]float32(nil), dst...)
			copyRows(got, c.ds, src, c.ss, c.rows, c.n)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("copy: dst[%d] = %v, want %v", i, got[i], want[i])
				}
			}
			want = append(want[:0], dst...)
			addRowsGeneric(want, c.ds, src, c.ss, c.rows, c.n)
			got = append(got[:0], dst...)
			addRows(got, c.ds, src, c.ss, c.rows, c.n)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("add: dst[%d] = %v, want %v", i, got[i], want[i])
				}
			}
		})
	}
}
