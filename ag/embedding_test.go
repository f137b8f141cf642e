package ag

import (
	"testing"

	"github.com/contrast-ml/contrast/tensor"
)

func TestEmbedding(t *testing.T) {
	table := Param("table", randT(71, 6, 4))
	ids := []int{4, 1, 4, 0, 4}
	tp := NewTape(true)
	y := tp.Embedding(table, ids)
	for i, id := range ids {
		assertClose(t, "row", y.Value.Data[i*4:(i+1)*4], table.Value.Data[id*4:(id+1)*4], 0)
	}
	g := randT(72, len(ids), 4)
	ids[0] = 5 // the op copied the ids: changing them now must not matter
	tp.BackwardWith(y, g.Data)
	want := tensor.New(6, 4)
	for i, id := range []int{4, 1, 4, 0, 4} {
		for j := 0; j < 4; j++ {
			want.Data[id*4+j] += g.Data[i*4+j]
		}
	}
	assertClose(t, "grad", table.Grad.Data, want.Data, 1e-6)
	for _, unused := range []int{2, 3, 5} {
		for j := 0; j < 4; j++ {
			if table.Grad.Data[unused*4+j] != 0 {
				t.Fatalf("unused row %d got gradient", unused)
			}
		}
	}
	gradCheckPW(t, "Embedding", func(tp *Tape, v []*Var) *Var { return tp.Embedding(v[0], []int{2, 2, 0}) }, randT(73, 3, 5))
}

func TestEmbeddingPanics(t *testing.T) {
	for _, id := range []int{-1, 6} {
		func() {
			defer func() {
				if recover() == nil {
					t.Fatalf("no panic for id %d", id)
				}
			}()
			NewTape(false).Embedding(Const(tensor.New(6, 2)), []int{0, id})
		}()
	}
}
