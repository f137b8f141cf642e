package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// refGemm is the oracle: a naive triple loop accumulating in float64. It returns
// the expected C (same layout as c); entries outside the m x n window are copied.
func refGemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) (want []float32, bound []float64) {
	want = append([]float32(nil), c...)
	bound = make([]float64, len(c))
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			var s, abs float64
			for p := 0; p < k; p++ {
				var av, bv float32
				if transA {
					av = a[p*lda+i]
				} else {
					av = a[i*lda+p]
				}
				if transB {
					bv = b[j*ldb+p]
				} else {
					bv = b[p*ldb+j]
				}
				s += float64(av) * float64(bv)
				abs += math.Abs(float64(av) * float64(bv))
			}
			v := float64(alpha) * s
			abs *= math.Abs(float64(alpha))
			if beta != 0 {
				v += float64(beta) * float64(c[i*ldc+j])
				abs += math.Abs(float64(beta) * float64(c[i*ldc+j]))
			}
			want[i*ldc+j] = float32(v)
			bound[i*ldc+j] = abs
		}
	}
	return want, bound
}

// gemmCase is one Sgemm call with its storage layout.
type gemmCase struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	pad            int  // extra stride beyond the stored row width, for A, B and C
	off            int  // elements skipped at the start of each slice (misalignment)
	nanC           bool // fill C with NaN (only meaningful with beta == 0)
}

func (tc gemmCase) String() string {
	t := func(b bool) string {
		if b {
			return "T"
		}
		return "N"
	}
	return fmt.Sprintf("%s%s/m%d_n%d_k%d/a%g_b%g/pad%d_off%d_nan%v", t(tc.transA), t(tc.transB), tc.m, tc.n, tc.k, tc.alpha, tc.beta, tc.pad, tc.off, tc.nanC)
}

// operand returns a seeded random stored matrix (rows, cols) with stride ld,
// starting off elements into its slice, and the stride.
func operand(rng *rand.Rand, rows, cols, pad, off int) ([]float32, int) {
	ld := cols + pad
	if ld < 1 {
		ld = 1
	}
	buf := make([]float32, off+max(rows*ld, 1))
	for i := range buf {
		buf[i] = float32(rng.NormFloat64())
	}
	return buf[off:], ld
}

// checkCase runs tc through Sgemm on the active path and compares with refGemm.
// Entries of C outside the m x n window (stride padding) must be left untouched.
func checkCase(t *testing.T, rng *rand.Rand, tc gemmCase) {
	t.Helper()
	ar, ac := tc.m, tc.k
	if tc.transA {
		ar, ac = ac, ar
	}
	br, bc := tc.k, tc.n
	if tc.transB {
		br, bc = bc, br
	}
	a, lda := operand(rng, ar, ac, tc.pad, tc.off)
	b, ldb := operand(rng, br, bc, tc.pad, tc.off)
	c, ldc := operand(rng, tc.m, tc.n, tc.pad, tc.off)
	if tc.nanC {
		for i := 0; i < tc.m; i++ {
			for j := 0; j < tc.n; j++ {
				c[i*ldc+j] = float32(math.NaN())
			}
		}
	}
	want, bound := refGemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	Sgemm(tc.transA, tc.transB, tc.m, tc.n, tc.k, tc.alpha, a, lda, b, ldb, tc.beta, c, ldc)
	// float32 accumulation of k products: error below about k*eps times the sum of
	// magnitudes; allow a margin for alpha folding and FMA contraction.
	tol := 4 * float64(tc.k+4) * 0x1p-24
	bad := 0
	for i := range c {
		g, w := float64(c[i]), float64(want[i])
		if math.IsNaN(g) || math.Abs(g-w) > tol*bound[i]+1e-30 && g != w {
			if bad < 5 {
				t.Errorf("%v: C[%d,%d] = %v, want %v (bound %g)", tc, i/ldc, i%ldc, g, w, tol*bound[i])
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%v: %d wrong entries", tc, bad)
	}
}

// forEachPath runs f once per SGEMM path available on this CPU and build.
func forEachPath(t *testing.T, f func(t *testing.T)) {
	for _, p := range availableISAs() {
		t.Run(p.String(), func(t *testing.T) {
			defer useISA(p)()
			f(t)
		})
	}
}

var (
	alphas = []float32{0, 1, -0.75}
	betas  = []float32{0, 1, 1.5}
)

// TestSgemmSizes sweeps every m and n in 1..70 (every edge tile up to more than
// two register tiles on each path) with k cycling through 1..70 and the four
// transpose cases in rotation.
func TestSgemmSizes(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		i := 0
		for m := 1; m <= 70; m++ {
			for n := 1; n <= 70; n++ {
				i++
				tc := gemmCase{
					transA: i&1 != 0, transB: i&2 != 0,
					m: m, n: n, k: 1 + (m*71+n*13)%70,
					alpha: 1, beta: betas[i%3],
				}
				if testing.Short() && (m*n)%7 != 0 {
					continue
				}
				checkCase(t, rng, tc)
			}
		}
	})
}

// TestSgemmDepth covers every k in 1..70 and depths around the kc blocking, for
// m and n at and around the tile edges.
func TestSgemmDepth(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		kc := active.kc
		ks := []int{kc - 1, kc, kc + 1, 2*kc + 3}
		for k := 1; k <= 70; k++ {
			ks = append(ks, k)
		}
		mr, nr := active.mr, active.nr
		shapes := [][2]int{{mr, nr}, {mr + 1, nr - 1}, {2*mr - 1, 2*nr + 1}, {1, 1}}
		for i, k := range ks {
			for j, s := range shapes {
				checkCase(t, rng, gemmCase{transA: (i+j)&1 != 0, transB: (i+j)&2 != 0, m: s[0], n: s[1], k: k, alpha: 1, beta: 1})
			}
		}
	})
}

// TestSgemmParams crosses transposes, alpha and beta in {0, 1, other}, strides
// wider than the rows, misaligned slice starts and NaN in C under beta == 0.
func TestSgemmParams(t *testing.T) {
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		mr, nr := active.mr, active.nr
		shapes := [][3]int{{mr, nr, 9}, {2*mr + 1, nr + 3, 17}, {5, 2*nr - 1, 1}, {3, 3, 40}}
		for _, s := range shapes {
			for tr := 0; tr < 4; tr++ {
				for _, al := range alphas {
					for _, be := range betas {
						for _, lay := range [][2]int{{0, 0}, {3, 1}, {17, 3}} {
							tc := gemmCase{transA: tr&1 != 0, transB: tr&2 != 0, m: s[0], n: s[1], k: s[2],
								alpha: al, beta: be, pad: lay[0], off: lay[1], nanC: be == 0}
							checkCase(t, rng, tc)
						}
					}
				}
			}
		}
	})
}

// TestSgemmLarge exercises the cache blocking (several kc and nc blocks) and each
// way of splitting a call among workers, checking that the intended split is used.
func TestSgemmLarge(t *testing.T) {
	if runtime.GOMAXPROCS(0) < 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(7, 8))
		kn := active
		cases := []struct {
			m, n, k int
			want    split
		}{
			{kn.mr*40 + 5, kn.nr + 3, kn.kc + 7, splitM},
			{kn.mr + 1, kn.nc + kn.nr + 3, kn.kc*2 + 5, splitN},
			{kn.mr*3 + 2, kn.nr*2 + 1, kn.kc*8 + 9, splitK},
			{2, 3, 1, splitNone},
		}
		for i, c := range cases {
			if sp, _ := choosePlan(kn, c.m, c.n, c.k, runtime.GOMAXPROCS(0)); sp != c.want {
				t.Errorf("choosePlan(%d, %d, %d) = %v, want %v", c.m, c.n, c.k, sp, c.want)
			}
			checkCase(t, rng, gemmCase{transA: i&1 != 0, transB: i&2 != 0, m: c.m, n: c.n, k: c.k, alpha: 0.5, beta: 2, pad: 1, off: 1})
			checkCase(t, rng, gemmCase{transA: i&1 == 0, transB: i&2 == 0, m: c.m, n: c.n, k: c.k, alpha: 1, beta: 0, nanC: true})
		}
	})
}

// TestSgemmChunks covers calls split into more chunks than workers (dynamic
// chunking), with chunk counts that do not divide the tiles evenly.
func TestSgemmChunks(t *testing.T) {
	if runtime.GOMAXPROCS(0) != 2 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}
	forEachPath(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(13, 14))
		kn := active
		cases := []struct {
			m, n, k int
			want    split
		}{
			{3*chunkMin + 7*kn.mr + 5, 40, 70, splitM},
			{kn.mr + 1, 3*chunkMin + 5*kn.nr + 3, 50, splitN},
			{30, 20, 6*kn.kc + 9, splitK},
		}
		for i, c := range cases {
			sp, parts := choosePlan(kn, c.m, c.n, c.k, 2)
			if sp != c.want || parts <= 2 {
				t.Errorf("choosePlan(%d, %d, %d) = %v in %d chunks, want %v in more than 2", c.m, c.n, c.k, sp, parts, c.want)
			}
			checkCase(t, rng, gemmCase{transA: i&1 != 0, transB: i&2 == 0, m: c.m, n: c.n, k: c.k, alpha: 1.25, beta: 0.5, pad: 2, off: 3})
		}
	})
}

// TestSgemmPanics checks that shape misuse panics with a kernels: message.
func TestSgemmPanics(t *testing.T) {
	buf := make([]float32, 16)
	cases := []struct {
		name string
		f    func()
	}{
		{"negative", func() { Sgemm(false, false, -1, 2, 2, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"lda", func() { Sgemm(false, false, 2, 2, 3, 1, buf, 2, buf, 2, 0, buf, 2) }},
		{"short B", func() { Sgemm(false, true, 2, 2, 9, 1, buf, 9, buf, 9, 0, buf, 2) }},
		{"short C", func() { Sgemm(false, false, 4, 5, 1, 1, buf, 1, buf, 5, 0, buf, 5) }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				v := recover()
				if s, ok := v.(string); !ok || len(s) < 8 || s[:8] != "kernels:" {
					t.Fatalf("recovered %v, want a kernels: panic", v)
				}
			}()
			c.f()
		})
	}
}

// TestSgemmDegenerate covers k == 0 and alpha == 0 (C = beta*C) and empty C.
func TestSgemmDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, k := range []int{0, 3} {
		for _, be := range betas {
			checkCase(t, rng, gemmCase{m: 5, n: 7, k: k, alpha: 0, beta: be, pad: 2, nanC: be == 0})
			checkCase(t, rng, gemmCase{m: 5, n: 7, k: 0, alpha: 1, beta: be, nanC: be == 0})
		}
	}
	Sgemm(false, false, 0, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
}
