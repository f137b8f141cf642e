package threat

import (
	"fmt"
	"math/rand/v2"
	"strconv"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// Encoder is the tabular encoder: the categorical ids are embedded (or
// one-hot coded) and concatenated with the scaled numeric values, then an MLP
// of Linear, normalisation and ReLU per hidden width and a final Linear gives
// the representation (n, Dim). Its input is the encoded matrix of
// Pipeline.Encode, (n, numeric + categorical), with the categorical ids as
// exact float32 integers. Parameter names: "emb.J.weight" (vocab_J, EmbedDim),
// "mlp.I.weight" and so on.
type Encoder struct {
	nn.Tree
	numeric int
	vocab   []int // per categorical column, ids [0, vocab)
	onehot  bool
	emb     []*nn.Embedding
	mlp     *nn.Sequential
	Dim     int
}

// EncoderSpec is what NewEncoder needs; it is saved with the model.
type EncoderSpec struct {
	Numeric  int         `json:"numeric"`
	Vocab    []int       `json:"vocab"`
	Encoding CatEncoding `json:"categorical"`
	EmbedDim int         `json:"embed_dim"`
	Hidden   []int       `json:"hidden"`
	Dim      int         `json:"dim"`
	Norm     NormKind    `json:"norm"`
}

// NewEncoder builds an encoder initialised from rng.
func NewEncoder(s EncoderSpec, rng *rand.Rand) (*Encoder, error) {
	if s.Numeric < 0 || s.Dim < 1 || (s.Encoding == CatEmbedding && len(s.Vocab) > 0 && s.EmbedDim < 1) {
		return nil, fmt.Errorf("threat: encoder: numeric %d, dim %d, embed_dim %d", s.Numeric, s.Dim, s.EmbedDim)
	}
	e := &Encoder{numeric: s.Numeric, vocab: append([]int(nil), s.Vocab...), onehot: s.Encoding == CatOneHot, Dim: s.Dim}
	in := s.Numeric
	for j, v := range s.Vocab {
		if v < 1 {
			return nil, fmt.Errorf("threat: encoder: categorical column %d has vocabulary %d", j, v)
		}
		if e.onehot {
			in += v - 1 // the unseen-level id has no indicator
			continue
		}
		emb, err := nn.NewEmbedding(v, s.EmbedDim, rng)
		if err != nil {
			return nil, err
		}
		e.emb = append(e.emb, nn.Add(&e.Tree, "emb."+strconv.Itoa(j), emb))
		in += s.EmbedDim
	}
	if in < 1 {
		return nil, fmt.Errorf("threat: encoder: no input features")
	}
	var layers []nn.Module
	prev := in
	for _, h := range s.Hidden {
		l, err := nn.NewLinear(prev, h, true, rng)
		if err != nil {
			return nil, err
		}
		layers = append(layers, l)
		switch s.Norm {
		case NormBatch:
			layers = append(layers, nn.Must(nn.NewBatchNorm1d(h)))
		case NormLayer:
			layers = append(layers, nn.Must(nn.NewLayerNorm(h)))
		case NormNone:
		default:
			return nil, fmt.Errorf("threat: encoder: unknown normalisation %v", s.Norm)
		}
		layers = append(layers, nn.ReLU{})
		prev = h
	}
	out, err := nn.NewLinear(prev, s.Dim, true, rng)
	if err != nil {
		return nil, err
	}
	e.mlp = nn.Add(&e.Tree, "mlp", nn.NewSequential(append(layers, out)...))
	return e, nil
}

// Forward encodes x (n, numeric + categorical): (n, Dim). It panics on a
// shape that does not match or a categorical value that is not a valid id.
func (e *Encoder) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	s := x.Shape()
	w := e.numeric + len(e.vocab)
	if len(s) != 2 || s[1] != w {
		panic(fmt.Sprintf("threat: Encoder: input %v, want (n, %d)", s, w))
	}
	n := s[0]
	xd := x.Value.Data
	ids := make([][]int, len(e.vocab))
	for j, v := range e.vocab {
		ids[j] = make([]int, n)
		for r := range n {
			f := xd[r*w+e.numeric+j]
			id := int(f)
			if float32(id) != f || id < 0 || id >= v {
				panic(fmt.Sprintf("threat: Encoder: row %d column %d holds %v, not an id in [0, %d)", r, e.numeric+j, f, v))
			}
			ids[j][r] = id
		}
	}
	var parts []*ag.Var
	if e.onehot {
		ow := e.numeric
		for _, v := range e.vocab {
			ow += v - 1
		}
		h := tensor.New(n, ow)
		for r := range n {
			row := h.Data[r*ow : (r+1)*ow]
			copy(row, xd[r*w:r*w+e.numeric])
			off := e.numeric
			for j, v := range e.vocab {
				if id := ids[j][r]; id < v-1 {
					row[off+id] = 1
				}
				off += v - 1
			}
		}
		parts = append(parts, ag.Const(h))
	} else {
		if e.numeric > 0 {
			num := tensor.New(n, e.numeric)
			for r := range n {
				copy(num.Data[r*e.numeric:(r+1)*e.numeric], xd[r*w:r*w+e.numeric])
			}
			parts = append(parts, ag.Const(num))
		}
		for j, emb := range e.emb {
			parts = append(parts, emb.Lookup(t, ids[j]))
		}
	}
	h := parts[0]
	if len(parts) > 1 {
		h = t.Concat(1, parts...)
	}
	return e.mlp.Forward(t, h)
}

// newHead returns Linear(in, hidden)+ReLU+Linear(hidden, out), the projection
// head of SimCLR and SCARF, or one Linear when hidden is 0.
func newHead(in, hidden, out int, rng *rand.Rand) (*nn.Sequential, error) {
	if hidden == 0 {
		l, err := nn.NewLinear(in, out, true, rng)
		if err != nil {
			return nil, err
		}
		return nn.NewSequential(l), nil
	}
	l1, err := nn.NewLinear(in, hidden, true, rng)
	if err != nil {
		return nil, err
	}
	l2, err := nn.NewLinear(hidden, out, true, rng)
	if err != nil {
		return nil, err
	}
	return nn.NewSequential(l1, nn.ReLU{}, l2), nil
}
