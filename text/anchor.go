package text

import (
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// The anchor is a fixed, untrained second view of a sentence that a model can
// append to its trained embedding (ModelSpec.Anchor > 0): the SIF embedding of
// the original pre-trained vectors (Arora, Liang & Ma 2017: a/(a + p(w))
// weights with p from GloVe's frequency ranks by Zipf's law, first principal
// component of the training sentences removed). The output is
//
//	[ z / ||z||, Anchor · s / ||s|| ]      (n, Dim + WordDim)
//
// so the cosine of two sentences is (cos_z + Anchor² cos_s) / (1 + Anchor²).
// Training shapes z around s: the trained part fits the training data while
// the anchor keeps what GloVe knows about words and genres the training data
// lacks (STS 2015's forums and belief texts; see the package notes).
type anchor struct {
	words  *ag.Var        // (Vocab, WordDim): the initial vectors of the vocabulary (zero rows without one)
	weight *tensor.Tensor // (Vocab + Frozen): SIF weights
	pc     *tensor.Tensor // (WordDim): the common component, unit length (zero: none)
}

func newAnchor(spec ModelSpec) *anchor {
	return &anchor{
		words:  ag.Const(tensor.New(spec.Vocab, spec.WordDim)),
		weight: tensor.Full(1, spec.Vocab+spec.Frozen),
		pc:     tensor.New(spec.WordDim),
	}
}

// embed returns the anchor embeddings (len(sents), WordDim), unnormalised, as
// a constant.
func (a *anchor) embed(t *ag.Tape, m *Model, sents [][]unit) *ag.Var {
	var b bags
	b.reset()
	nv := m.Spec.Vocab
	w := a.weight.Data
	for _, us := range sents {
		if len(us) > 0 {
			inv := 1 / float32(len(us))
			for _, u := range us {
				switch {
				case u.frozen:
					b.fids, b.fw = append(b.fids, int(u.row)), append(b.fw, w[nv+int(u.row)]*inv)
				case u.row >= 0:
					b.ids, b.w = append(b.ids, int(u.row)), append(b.w, w[u.row]*inv)
				}
			}
		}
		b.close()
	}
	y := t.EmbeddingBag(a.words, b.ids, b.offs, b.w)
	if m.Frozen != nil && len(b.fids) > 0 {
		y = t.Add(y, t.EmbeddingBag(m.Frozen, b.fids, b.foffs, b.fw))
	}
	d := m.Spec.WordDim
	u := a.pc.Data
	yd := y.Value.Data
	for i := 0; i < len(yd); i += d {
		row := yd[i : i+d]
		var p float32
		for j, v := range row {
			p += v * u[j]
		}
		for j := range row {
			row[j] -= p * u[j]
		}
	}
	return ag.Const(y.Value)
}

// fitPC sets the common component to the first principal direction (about
// the origin, as SIF does) of the anchor embeddings of sents, found by power
// iteration.
func (a *anchor) fitPC(m *Model, sents [][]unit) {
	clear(a.pc.Data)
	t := ag.NewTape(false)
	x := a.embed(t, m, sents).Value
	d := m.Spec.WordDim
	u := make([]float64, d)
	for j := range u {
		u[j] = 1 / math.Sqrt(float64(d))
	}
	next := make([]float64, d)
	for range 100 {
		clear(next)
		for i := 0; i < len(x.Data); i += d {
			row := x.Data[i : i+d]
			var p float64
			for j, v := range row {
				p += float64(v) * u[j]
			}
			for j, v := range row {
				next[j] += p * float64(v)
			}
		}
		var n float64
		for _, v := range next {
			n += v * v
		}
		if n == 0 {
			return
		}
		n = math.Sqrt(n)
		for j := range u {
			u[j] = next[j] / n
		}
	}
	for j, v := range u {
		a.pc.Data[j] = float32(v)
	}
}

// zipfSIF returns the SIF weight a/(a + p) of a word of zero-based frequency
// rank r among the 400,000 of GloVe 6B, with p = 1/((r+1)·H) (Zipf's law,
// H ≈ ln 400000 + 0.5772 the normalising harmonic number).
func zipfSIF(a float64, rank int) float32 {
	const h = 13.476
	return float32(a / (a + 1/(float64(rank+1)*h)))
}
