package recommend

import (
	"log/slog"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

func TestAddRowsGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	x := ag.Param("x", tensor.New(4, 3).Normal(rng, 0, 1))
	table := ag.Param("table", tensor.New(5, 3).Normal(rng, 0, 1))
	rows, w := []int{2, 0, 2, 4}, []float32{1, 0, 0.5, -2}
	coef := tensor.New(4, 3).Normal(rng, 0, 1).Data // loss = Σ coef·out
	f := func() float64 {
		out := addRows(ag.NewTape(false), x, table, rows, w).Value.Data
		var s float64
		for k, v := range out {
			s += float64(coef[k]) * float64(v)
		}
		return s
	}
	// Forward against the naive sum.
	out := addRows(ag.NewTape(false), x, table, rows, w).Value.Data
	for r := range 4 {
		for c := range 3 {
			want := x.Value.Data[r*3+c] + w[r]*table.Value.Data[rows[r]*3+c]
			if math.Abs(float64(out[r*3+c]-want)) > 1e-6 {
				t.Fatalf("out[%d,%d] %v, want %v", r, c, out[r*3+c], want)
			}
		}
	}
	tp := ag.NewTape(true)
	tp.BackwardWith(addRows(tp, x, table, rows, w), coef)
	const eps = 1e-2
	for _, p := range []*ag.Var{x, table} {
		for j := range p.Value.Data {
			orig := p.Value.Data[j]
			p.Value.Data[j] = orig + eps
			up := f()
			p.Value.Data[j] = orig - eps
			dn := f()
			p.Value.Data[j] = orig
			if num, g := (up-dn)/(2*eps), float64(p.Grad.Data[j]); math.Abs(num-g) > 1e-3 {
				t.Errorf("d%s[%d]: analytic %v, numeric %v", p.Name, j, g, num)
			}
		}
	}
}

// TestItemVectorsSubset checks that embedding a subset of the catalogue gives
// the same rows as embedding all of it.
func TestItemVectorsSubset(t *testing.T) {
	ml, err := ReadMovieLens(sliceDir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDataset(ml)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(smokeConfig(), d, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	m := tr.model
	tp := ag.NewTape(false)
	all := m.itemVectors(tp, nil, nil).Value.Data
	sub := []int{17, 3, m.NumItems() - 1, 0, 3}
	part := m.itemVectors(tp, sub, nil).Value.Data
	dim := m.Spec.Dim
	for r, i := range sub {
		for c := range dim {
			if a, b := part[r*dim+c], all[i*dim+c]; math.Abs(float64(a-b)) > 1e-6 {
				t.Fatalf("item %d dim %d: subset %v, whole %v", i, c, a, b)
			}
		}
	}
}

// TestInclusionOffset checks the logQ correction of deduplicated keys against
// simulated draws, and its small-probability limit -log(draws·q).
func TestInclusionOffset(t *testing.T) {
	q := []float64{0.5, 0.3, 0.15, 0.05}
	const draws, trials = 3, 200000
	rng := rand.New(rand.NewPCG(7, 7))
	hits := make([]float64, len(q))
	for range trials {
		var in [4]bool
		for range draws {
			x, c := rng.Float64(), 0
			for c < len(q)-1 && x >= q[c] {
				x -= q[c]
				c++
			}
			in[c] = true
		}
		for i, ok := range in {
			if ok {
				hits[i]++
			}
		}
	}
	for i, p := range q {
		want := hits[i] / trials
		got := math.Exp(-float64(inclusionOffset(p, draws)))
		if math.Abs(got-want) > 0.005 {
			t.Errorf("item %d (q %v): inclusion %v, simulated %v", i, p, got, want)
		}
	}
	if o, want := inclusionOffset(1e-7, 500), -math.Log(500*1e-7); math.Abs(float64(o)-want) > 1e-3 {
		t.Errorf("small q: %v, want %v", o, want)
	}
	if o := inclusionOffset(1, 5); o != 0 {
		t.Errorf("q = 1: %v", o)
	}
}
