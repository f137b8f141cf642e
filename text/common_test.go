package text

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestTopDirections compares the power iteration with gonum's SVD.
func TestTopDirections(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n, d, k = 60, 7, 3
	x := make([]float32, n*d)
	dense := mat.NewDense(n, d, nil)
	for i := range n {
		for j := range d {
			// Columns of decreasing scale make the singular values distinct.
			v := float32(rng.NormFloat64() * float64(d-j) * (1 + float64(j%2)))
			if j == 0 {
				v += 3
			}
			x[i*d+j] = v
			dense.Set(i, j, float64(v))
		}
	}
	var svd mat.SVD
	if !svd.Factorize(dense, mat.SVDThin) {
		t.Fatal("svd failed")
	}
	var v mat.Dense
	svd.VTo(&v)
	got := topDirections(x, d, k)
	for c := range k {
		var dot float64
		for j := range d {
			dot += got[c][j] * v.At(j, c)
		}
		if math.Abs(math.Abs(dot)-1) > 1e-6 {
			t.Fatalf("direction %d: |cos| with the SVD's %v, want 1", c, math.Abs(dot))
		}
	}
}

// TestRemoveCommon checks that embeddings have no component along the fitted
// directions, and that the directions survive a checkpoint round trip.
func TestRemoveCommon(t *testing.T) {
	m := tinyModelSpec(t, func(s *ModelSpec) { s.RemovePC, s.Anchor = 2, 0.5 })
	m.SetTraining(false)
	us := make([][]unit, len(tinySentences))
	for i, s := range tinySentences {
		us[i] = m.Feat.units(s)
	}
	m.fitCommon(us)
	u := m.common.Data
	if nrm := math.Sqrt(float64(dot32(u[:5], u[:5]))); math.Abs(nrm-1) > 1e-5 {
		t.Fatalf("direction norm %v", nrm)
	}
	if m.Dim() != 5+6 {
		t.Fatalf("Dim %d, want 5 + 6 (anchor)", m.Dim())
	}
	emb := m.Embed(tinySentences)
	for i, e := range emb {
		for c := range 2 {
			if p := dot32(e[:5], u[c*5:(c+1)*5]); math.Abs(float64(p)) > 1e-5 {
				t.Fatalf("sentence %d keeps %v along direction %d", i, p, c)
			}
		}
	}
	dir := filepath.Join(t.TempDir(), "m")
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	e, err := LoadEncoder(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range e.Embed(tinySentences) {
		if !slices.Equal(v, emb[i]) {
			t.Fatalf("sentence %d differs after loading", i)
		}
	}
}

func dot32(a, b []float32) float32 {
	var s float32
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
