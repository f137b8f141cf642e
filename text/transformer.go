package text

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// transformer is a small pre-LN Transformer encoder (Vaswani et al. 2017,
// arXiv 1706.03762; pre-LN as Xiong et al. 2020, arXiv 2002.04745) over the
// token vectors of a padded batch (B, L):
//
//	x = in(tokens) + pos[:L]                       (B·L, ModelDim)
//	x = x + Dropout(Attn(LN1(x)))  per layer       multi-head, pad keys masked
//	x = x + Dropout(FF2(GELU(FF1(LN2(x)))))
//	z = Σ_t pool_t · LN(x)_t                       mean (or SIF) over real tokens
//	z = proj(z)                                    (B, Out)
//
// with learned positions pos (MaxLen, ModelDim), N(0, 0.02).
type transformer struct {
	in     *nn.Linear
	pos    *ag.Var
	layers []*encoderLayer
	ln     *nn.LayerNorm
	proj   *nn.Sequential
	drop   *nn.Dropout
	heads  int
	dim    int
}

// encoderLayer is one pre-LN block; qkv packs the query, key and value maps.
type encoderLayer struct {
	ln1, ln2           *nn.LayerNorm
	qkv, out, ff1, ff2 *nn.Linear
}

func newTransformer(spec ModelSpec, rng *rand.Rand) (*transformer, error) {
	d := spec.ModelDim
	if spec.Layers < 1 || spec.Heads < 1 || d < 1 || d%spec.Heads != 0 || spec.FFN < 1 || spec.MaxLen < 1 {
		return nil, fmt.Errorf("text: transformer: layers %d, heads %d, model_dim %d, ffn %d, max_len %d", spec.Layers, spec.Heads, d, spec.FFN, spec.MaxLen)
	}
	lin := func(name string, in, out int) (*nn.Linear, error) {
		l, err := nn.NewLinear(in, out, true, rng)
		if err != nil {
			return nil, err
		}
		return nn.Prefix(name, l), nil
	}
	norm := func(name string) (*nn.LayerNorm, error) {
		l, err := nn.NewLayerNorm(d)
		if err != nil {
			return nil, err
		}
		return nn.Prefix(name, l), nil
	}
	tr := &transformer{heads: spec.Heads, dim: d}
	var err error
	if tr.in, err = lin("tr.in", spec.WordDim, d); err != nil {
		return nil, err
	}
	tr.pos = ag.Param("tr.pos", tensor.New(spec.MaxLen, d).Normal(rng, 0, 0.02))
	for i := range spec.Layers {
		p := fmt.Sprintf("tr.layers.%d.", i)
		l := &encoderLayer{}
		if l.ln1, err = norm(p + "ln1"); err != nil {
			return nil, err
		}
		if l.ln2, err = norm(p + "ln2"); err != nil {
			return nil, err
		}
		if l.qkv, err = lin(p+"qkv", d, 3*d); err != nil {
			return nil, err
		}
		if l.out, err = lin(p+"out", d, d); err != nil {
			return nil, err
		}
		if l.ff1, err = lin(p+"ff1", d, spec.FFN); err != nil {
			return nil, err
		}
		if l.ff2, err = lin(p+"ff2", spec.FFN, d); err != nil {
			return nil, err
		}
		tr.layers = append(tr.layers, l)
	}
	if tr.ln, err = norm("tr.ln"); err != nil {
		return nil, err
	}
	if tr.proj, err = projection(d, spec.Hidden, spec.Out, spec.Activation, rng); err != nil {
		return nil, err
	}
	if tr.drop, err = nn.NewDropout(float32(spec.Dropout), spec.Seed^0x7f); err != nil {
		return nil, err
	}
	return tr, nil
}

func (tr *transformer) encode(t *ag.Tape, m *Model, sents [][]unit) *ag.Var {
	var b bags
	L, lens, pool := b.tokenBags(sents, m.weight.Data, m.Spec.Vocab, tr.pos.Shape()[0])
	B, d := len(sents), tr.dim
	x := tr.in.Forward(t, tr.drop.Forward(t, m.lookup(t, &b))) // (B·L, d)
	x = t.Add(t.Reshape(x, B, L, d), t.Slice(tr.pos, 0, 0, L))
	x = t.Reshape(x, B*L, d)
	mask := attentionMask(lens, B, tr.heads, L)
	for _, l := range tr.layers {
		x = t.Add(x, tr.drop.Forward(t, tr.attend(t, l, l.ln1.Forward(t, x), B, L, mask)))
		h := l.ff2.Forward(t, t.GELU(l.ff1.Forward(t, l.ln2.Forward(t, x)), ag.GELUExact))
		x = t.Add(x, tr.drop.Forward(t, h))
	}
	x = t.Reshape(tr.ln.Forward(t, x), B, L, d)
	w := ag.Const(tensor.FromSlice(pool, B, 1, L))
	z := t.Reshape(t.BatchedMatMul(w, x, false, false), B, d)
	if tr.proj != nil {
		z = tr.proj.Forward(t, z)
	}
	return z
}

// attend is multi-head scaled dot-product self-attention of h (B·L, d), keys
// at padding positions masked out: (B·L, d).
func (tr *transformer) attend(t *ag.Tape, l *encoderLayer, h *ag.Var, B, L int, mask []bool) *ag.Var {
	H, d := tr.heads, tr.dim
	dh := d / H
	qkv := t.Reshape(l.qkv.Forward(t, h), B, L, 3, H, dh)
	qkv = t.Reshape(t.Permute(qkv, 2, 0, 3, 1, 4), 3*B*H, L, dh) // (3·B·H, L, dh)
	p := t.Split(qkv, 0, B*H, B*H, B*H)
	s := t.Scale(t.BatchedMatMul(p[0], p[1], false, true), float32(1/math.Sqrt(float64(dh)))) // (B·H, L, L)
	a := t.Softmax(t.MaskedFill(s, mask, -1e9), -1)
	o := t.Reshape(t.BatchedMatMul(a, p[2], false, false), B, H, L, dh)
	o = t.Reshape(t.Permute(o, 0, 2, 1, 3), B*L, d)
	return l.out.Forward(t, o)
}

// attentionMask flags, for each (sentence, head, query, key), keys past the
// sentence's length.
func attentionMask(lens []int, B, H, L int) []bool {
	m := make([]bool, B*H*L*L)
	for b := range B {
		for h := range H {
			base := (b*H + h) * L * L
			for q := range L {
				for k := lens[b]; k < L; k++ {
					m[base+q*L+k] = true
				}
			}
		}
	}
	return m
}

func (tr *transformer) params() []*ag.Var {
	ps := append(tr.in.Params(), tr.pos)
	for _, l := range tr.layers {
		for _, m := range []nn.Module{l.ln1, l.qkv, l.out, l.ln2, l.ff1, l.ff2} {
			ps = append(ps, m.Params()...)
		}
	}
	ps = append(ps, tr.ln.Params()...)
	if tr.proj != nil {
		ps = append(ps, tr.proj.Params()...)
	}
	return ps
}

func (tr *transformer) setTraining(on bool) { tr.drop.SetTraining(on) }
