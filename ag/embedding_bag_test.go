package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

// TestEmbeddingBag compares the forward pass and the table gradient with a
// naive loop over bags, and checks the gradient by finite differences.
func TestEmbeddingBag(t *testing.T) {
	cases := []struct {
		name    string
		ids     []int
		offsets []int
		w       []float32
	}{
		{"unweighted", []int{4, 1, 4, 0, 4}, []int{0, 2, 5}, nil},
		{"weighted", []int{4, 1, 4, 0, 4}, []int{0, 2, 5}, []float32{0.5, -1, 2, 0.25, 3}},
		{"empty bags", []int{3, 2}, []int{0, 0, 1, 1, 2}, []float32{1.5, -0.5}},
		{"no ids", nil, []int{0, 0}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			const vocab, dim = 6, 4
			table := Param("table", randT(81, vocab, dim))
			ids := append([]int(nil), c.ids...)
			tp := NewTape(true)
			y := tp.EmbeddingBag(table, ids, c.offsets, c.w)
			bags := len(c.offsets) - 1
			if y.Shape()[0] != bags || y.Shape()[1] != dim {
				t.Fatalf("shape %v, want [%d %d]", y.Shape(), bags, dim)
			}
			w := func(k int) float32 {
				if c.w == nil {
					return 1
				}
				return c.w[k]
			}
			want := make([]float32, bags*dim)
			for b := 0; b < bags; b++ {
				for k := c.offsets[b]; k < c.offsets[b+1]; k++ {
					for j := 0; j < dim; j++ {
						want[b*dim+j] += w(k) * table.Value.Data[c.ids[k]*dim+j]
					}
				}
			}
			assertClose(t, "forward", y.Value.Data, want, 1e-6)
			if len(ids) > 0 {
				ids[0] = 5 // copied by the op: must not change the backward pass
			}
			g := randT(82, bags, dim)
			tp.BackwardWith(y, g.Data)
			wantG := tensor.New(vocab, dim)
			for b := 0; b < bags; b++ {
				for k := c.offsets[b]; k < c.offsets[b+1]; k++ {
					for j := 0; j < dim; j++ {
						wantG.Data[c.ids[k]*dim+j] += w(k) * g.Data[b*dim+j]
					}
				}
			}
			if len(c.ids) > 0 {
				assertClose(t, "grad", table.Grad.Data, wantG.Data, 1e-6)
				gradCheck(t, "EmbeddingBag", func(tp *Tape, v []*Var) *Var {
					return tp.EmbeddingBag(v[0], c.ids, c.offsets, c.w)
				}, randT(83, vocab, dim))
			}
		})
	}
}

func TestEmbeddingBagPanics(t *testing.T) {
	table := Const(tensor.New(6, 2))
	cases := []struct {
		name    string
		ids     []int
		offsets []int
		w       []float32
	}{
		{"id too large", []int{0, 6}, []int{0, 2}, nil},
		{"negative id", []int{-1}, []int{0, 1}, nil},
		{"offsets short of ids", []int{0, 1}, []int{0, 1}, nil},
		{"offsets not from zero", []int{0, 1}, []int{1, 2}, nil},
		{"offsets decrease", []int{0, 1}, []int{0, 2, 1, 2}, nil},
		{"no offsets", []int{}, nil, nil},
		{"weights length", []int{0, 1}, []int{0, 2}, []float32{1}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			NewTape(false).EmbeddingBag(table, c.ids, c.offsets, c.w)
		})
	}
}
