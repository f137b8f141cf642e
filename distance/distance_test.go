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
