package nn

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// Embedding is torch.nn.Embedding: a table Weight (Vocab, Dim), parameter
// "weight", whose rows are looked up by integer id.
type Embedding struct {
	stateless
	Weight *ag.Var
}

// NewEmbedding returns an embedding table initialised N(0, 1), as PyTorch's.
func NewEmbedding(vocab, dim int, rng *rand.Rand) (*Embedding, error) {
	if err := checkPositive("Embedding", "vocabulary", vocab, "dimension", dim); err != nil {
		return nil, err
	}
	return &Embedding{Weight: ag.Param("weight", tensor.New(vocab, dim).Normal(rng, 0, 1))}, nil
}

// Lookup returns the rows ids: (len(ids), Dim).
func (e *Embedding) Lookup(t *ag.Tape, ids []int) *ag.Var { return t.Embedding(e.Weight, ids) }

// Forward looks up x, whose values are integer ids of any shape S: (S..., Dim).
// It panics on a value that is not an integer.
func (e *Embedding) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	vals := x.Value.Contiguous().Raw()
	ids := make([]int, len(vals))
	for i, v := range vals {
		if float32(int(v)) != v {
			panic(fmt.Sprintf("nn: Embedding: input %v at %d is not an integer id", v, i))
		}
		ids[i] = int(v)
	}
	y := t.Embedding(e.Weight, ids)
	if x.Value.Dims() == 1 {
		return y
	}
	return t.Reshape(y, append(append([]int(nil), x.Shape()...), e.Weight.Shape()[1])...)
}

// Params returns the table.
func (e *Embedding) Params() []*ag.Var { return []*ag.Var{e.Weight} }
