package distance

import (
	"math"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// naive is an independent float64 loop for each distance.
func naive(k Kind, a, b []float32, d int) float64 {
	var dot, na, nb, sq float64
	for i := range d {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
		sq += (x - y) * (x - y)
	}
	switch k {
	case KindEuclidean:
		return math.Sqrt(math.Max(sq, 1e-12))
	case KindSquaredEuclidean:
		return sq
	case KindCosine:
		return dot / math.Sqrt(na) / math.Sqrt(nb)
	}
	return dot
}

func TestMatrixAndPairs(t *testing.T) {
	rng := tensor.NewRNG(1)
	const n, m, d = 5, 7, 3
	a := tensor.New(n, d).Normal(rng, 0, 1)
	b := tensor.New(m, d).Normal(rng, 0, 1)
	for k := KindEuclidean; k <= KindDot; k++ {
		t.Run(k.String(), func(t *testing.T) {
			dist := New(k)
			pa, pb := ag.Param("a", a.Clone()), ag.Param("b", b.Clone())
			tp := ag.NewTape(true)
			mat := dist.Matrix(tp, pa, pb)
			for i := range n {
				for j := range m {
					want := naive(k, a.Data[i*d:(i+1)*d], b.Data[j*d:(j+1)*d], d)
					if got := float64(mat.Value.At(i, j)); math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
						t.Fatalf("Matrix[%d,%d] = %v, want %v", i, j, got, want)
					}
				}
			}
			pairs := dist.Pairs(tp, pa, ag.Param("b5", b.Slice(0, 0, n).Clone()))
			for i := range n {
				want := naive(k, a.Data[i*d:(i+1)*d], b.Data[i*d:(i+1)*d], d)
				if got := float64(pairs.Value.Data[i]); math.Abs(got-want) > 1e-5*math.Max(1, math.Abs(want)) {
					t.Fatalf("Pairs[%d] = %v, want %v", i, got, want)
				}
			}
			// Finite differences of a weighted sum of the matrix with respect to a and b.
			w := tensor.New(n, m).Uniform(rng, 0.5, 1.5)
			loss := func(tp *ag.Tape) *ag.Var {
				return tp.Sum(tp.Mul(dist.Matrix(tp, pa, pb), ag.Const(w)), false)
			}
			pa.ZeroGrad()
			pb.ZeroGrad()
			tp = ag.NewTape(true)
			tp.Backward(loss(tp))
			for _, p := range []*ag.Var{pa, pb} {
				for j := range p.Value.Data {
					orig := p.Value.Data[j]
					const eps = 1e-3
					p.Value.Data[j] = orig + eps
					up := loss(ag.NewTape(false)).Item()
					p.Value.Data[j] = orig - eps
					dn := loss(ag.NewTape(false)).Item()
					p.Value.Data[j] = orig
					num := float64(up-dn) / (2 * eps)
					if g := float64(p.Grad.Data[j]); math.Abs(g-num) > 2e-2*math.Max(1, math.Abs(num)) {
						t.Fatalf("%s grad %s[%d]: analytic %v numeric %v", k, p.Name, j, g, num)
					}
				}
			}
		})
	}
}

func TestParseKind(t *testing.T) {
	for k := KindEuclidean; k <= KindDot; k++ {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := ParseKind("manhattan"); err == nil {
		t.Error("ParseKind accepted an unknown name")
	}
}

// TestMatrixGradientFewEntries checks the backward of the Euclidean tables
// when the loss reads only a few of their entries (as batch-hard mining
// does), which takes the entry-by-entry path, against the analytic gradient
// in float64 loops: with a and b distinct, with b the same variable as a
// (both roles add up), and with more nonzeros than the sparse list holds
// (the Sgemm path again).
func TestMatrixGradientFewEntries(t *testing.T) {
	for _, c := range []struct {
		name    string
		n, m, d int
		same    bool
		entries int // nonzero weights
	}{
		{"distinct", 40, 30, 5, false, 40},
		{"same variable", 48, 48, 6, true, 96},
		{"over the list", 200, 200, 3, false, sparseMax + 52}, // sparse by ratio, too many for the list
		{"dense", 20, 20, 4, false, 40},                       // 1 in 10: the Sgemm path
	} {
		for _, k := range []Kind{KindEuclidean, KindSquaredEuclidean} {
			t.Run(c.name+"/"+k.String(), func(t *testing.T) {
				rng := tensor.NewRNG(7)
				a := tensor.New(c.n, c.d).Normal(rng, 0, 1)
				b := tensor.New(c.m, c.d).Normal(rng, 0, 1)
				pa := ag.Param("a", a)
				pb := ag.Param("b", b)
				if c.same {
					pb, b = pa, a
				}
				w := tensor.New(c.n, c.m)
				for _, p := range rng.Perm(c.n * c.m)[:c.entries] { // distinct entries
					w.Data[p] = float32(rng.Float64() + 0.5)
				}
				tp := ag.NewTape(true)
				tp.Backward(tp.Sum(tp.Mul(New(k).Matrix(tp, pa, pb), ag.Const(w)), false))
				ga := make([]float64, c.n*c.d)
				gb := make([]float64, c.m*c.d)
				for i := range c.n {
					for j := range c.m {
						wij := float64(w.Data[i*c.m+j])
						if wij == 0 {
							continue
						}
						ai, bj := a.Data[i*c.d:(i+1)*c.d], b.Data[j*c.d:(j+1)*c.d]
						scale := 2 * wij // squared: d/da_i = 2 (a_i - b_j)
						if k == KindEuclidean {
							scale = wij / naive(k, ai, bj, c.d)
						}
						for q := range c.d {
							diff := float64(ai[q] - bj[q])
							ga[i*c.d+q] += scale * diff
							gb[j*c.d+q] -= scale * diff
						}
					}
				}
				if c.same {
					for q := range ga {
						ga[q] += gb[q]
					}
				}
				check := func(name string, got []float32, want []float64) {
					for q, g := range got {
						if math.Abs(float64(g)-want[q]) > 1e-4*math.Max(1, math.Abs(want[q])) {
							t.Fatalf("grad %s[%d] = %v, want %v", name, q, g, want[q])
						}
					}
				}
				check("a", pa.Grad.Data, ga)
				if !c.same {
					check("b", pb.Grad.Data, gb)
				}
			})
		}
	}
}
