package recommend

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// specFormat versions model.json.
const specFormat = "contrast.recommend.two-tower/v1"

// ModelSpec is everything besides the weights that a saved model needs: the
// architecture, the token vocabulary and the item catalogue (movie IDs, text,
// which items have an ID vector, training popularity for empty histories). It
// is written as model.json.
type ModelSpec struct {
	Format      string     `json:"format"`
	Dim         int        `json:"dim"`
	WordDim     int        `json:"word_dim"`
	Hidden      []int      `json:"hidden,omitempty"`
	ItemIDs     bool       `json:"item_ids"`
	History     int        `json:"history"`
	Pooling     Pooling    `json:"pooling"`
	HalfLife    float64    `json:"half_life"`
	Temperature float64    `json:"temperature"`
	Text        TextConfig `json:"text"`
	Seed        uint64     `json:"seed"`
	Vocab       []string   `json:"vocab"`
	// Items is the catalogue; item index i is Items[i].
	Items []ItemText `json:"items"`
	// HasID marks the items with a trained ID vector (seen in training).
	HasID []bool `json:"has_id"`
	// Popularity is each item's number of training interactions.
	Popularity []int `json:"popularity"`
}

// Model is the two-tower recommender (Yi et al. 2019; Covington, Adams &
// Sargin 2016, "Deep Neural Networks for YouTube Recommendations", RecSys).
//
// The item tower embeds item i from its text: the token vectors of each field
// (title words and bigrams, year and decade, genres, tags; Vocab) are
// mean-pooled into four (WordDim) vectors, concatenated (4·WordDim) and mapped
// by an MLP to Dim; items seen in training add an ID vector (Dim); the sum is
// L2-normalised: v_i (Dim). A cold item has no ID vector and is embedded from
// its text alone.
//
// The user tower pools the item vectors of the last History interactions
// (equally or with recency weights summing to one), applies an affine map
// (Dim -> Dim, initialised to the identity) and L2-normalises: u (Dim). The
// score of item i for the user is u·v_i.
type Model struct {
	Spec   ModelSpec
	vocab  *Vocab
	bags   bags
	itemOf map[int]int // movieId -> item index
	words  *ag.Var     // (vocab rows, WordDim)
	mlp    []*nn.Linear
	ids    *ag.Var // (items, Dim) or nil
	user   *nn.Linear
	iota   []int // 0..items-1
	srv    serving
}

// NewModel builds the towers for spec, initialised from rng.
func NewModel(spec ModelSpec, rng *rand.Rand) (*Model, error) {
	if spec.Dim < 1 || spec.WordDim < 1 || spec.History < 1 {
		return nil, fmt.Errorf("recommend: model: dim %d, word_dim %d, history %d, want >= 1", spec.Dim, spec.WordDim, spec.History)
	}
	n := len(spec.Items)
	if n == 0 || len(spec.HasID) != n || len(spec.Popularity) != n {
		return nil, fmt.Errorf("recommend: model: %d items, %d has_id flags, %d popularity counts", n, len(spec.HasID), len(spec.Popularity))
	}
	voc, err := NewVocab(spec.Vocab, spec.Text.Buckets)
	if err != nil {
		return nil, err
	}
	if voc.Rows() == 0 {
		return nil, fmt.Errorf("recommend: model: empty vocabulary and no hash buckets")
	}
	m := &Model{Spec: spec, vocab: voc, itemOf: make(map[int]int, n)}
	toks := make([][numFields][]string, n)
	for i, it := range spec.Items {
		if _, dup := m.itemOf[it.MovieID]; dup {
			return nil, fmt.Errorf("recommend: model: movie %d appears twice in the catalogue", it.MovieID)
		}
		m.itemOf[it.MovieID] = i
		toks[i] = it.tokens(spec.Text)
	}
	m.bags = makeBags(toks, voc)
	m.words = ag.Param("item.words", tensor.New(voc.Rows(), spec.WordDim).Normal(rng, 0, 0.1))
	in := numFields * spec.WordDim
	widths := append(append([]int(nil), spec.Hidden...), spec.Dim)
	for k, w := range widths {
		l, err := nn.NewLinear(in, w, true, rng)
		if err != nil {
			return nil, err
		}
		m.mlp = append(m.mlp, nn.Prefix(fmt.Sprintf("item.mlp.%d", k), l))
		in = w
	}
	if spec.ItemIDs {
		m.ids = ag.Param("item.ids", tensor.New(n, spec.Dim).Normal(rng, 0, 0.01))
	}
	u, err := nn.NewLinear(spec.Dim, spec.Dim, true, rng)
	if err != nil {
		return nil, err
	}
	u.Weight.Value.Zero()
	for i := range spec.Dim {
		u.Weight.Value.Data[i*spec.Dim+i] = 1
	}
	u.Bias.Value.Zero()
	m.user = nn.Prefix("user.proj", u)
	m.iota = make([]int, n)
	for i := range n {
		m.iota[i] = i
	}
	return m, nil
}

// NumItems is the size of the catalogue.
func (m *Model) NumItems() int { return len(m.Spec.Items) }

// Params returns the trainable parameters in a fixed order.
func (m *Model) Params() []*ag.Var {
	ps := []*ag.Var{m.words}
	for _, l := range m.mlp {
		ps = append(ps, l.Params()...)
	}
	if m.ids != nil {
		ps = append(ps, m.ids)
	}
	return append(ps, m.user.Params()...)
}

// idWeights returns the weights of the ID vectors of items at evaluation: 1
// for items with an ID vector, else 0.
func (m *Model) idWeights(items []int) []float32 {
	w := make([]float32, len(items))
	for r, i := range items {
		if m.Spec.HasID[i] {
			w[r] = 1
		}
	}
	return w
}

// subsetBags returns the field bags of the given items, in their order,
// reusing scratch's buffers.
func (m *Model) subsetBags(items []int, scratch *bags) bags {
	if len(items) == m.NumItems() && items[0] == 0 && items[len(items)-1] == len(items)-1 {
		return m.bags // the whole catalogue, in order
	}
	b := *scratch
	b.ids, b.w, b.offsets = b.ids[:0], b.w[:0], append(b.offsets[:0], 0)
	defer func() { *scratch = b }()
	for _, i := range items {
		lo, hi := m.bags.offsets[i*numFields], m.bags.offsets[(i+1)*numFields]
		base := len(b.ids) - lo
		b.ids = append(b.ids, m.bags.ids[lo:hi]...)
		b.w = append(b.w, m.bags.w[lo:hi]...)
		for f := 1; f <= numFields; f++ {
			b.offsets = append(b.offsets, m.bags.offsets[i*numFields+f]+base)
		}
	}
	return b
}

// itemVectors embeds the given items (nil: the whole catalogue):
// (len(items), Dim), unit rows. idW weighs each item's ID vector (nil: the
// evaluation weights, idWeights).
func (m *Model) itemVectors(t *ag.Tape, items []int, idW []float32) *ag.Var {
	return m.itemVectorsInto(t, items, idW, &bags{})
}

// itemVectorsInto is itemVectors with scratch buffers for the bags of a
// subset (EmbeddingBag copies them: they may be reused after the call).
func (m *Model) itemVectorsInto(t *ag.Tape, items []int, idW []float32, scratch *bags) *ag.Var {
	if items == nil {
		items = m.iota
	}
	n := len(items)
	b := m.subsetBags(items, scratch)
	x := t.EmbeddingBag(m.words, b.ids, b.offsets, b.w) // (items·fields, WordDim)
	x = t.Reshape(x, n, numFields*m.Spec.WordDim)
	for k, l := range m.mlp {
		x = l.Forward(t, x)
		if k < len(m.mlp)-1 {
			x = t.ReLU(x)
		}
	}
	if m.ids != nil {
		if idW == nil {
			idW = m.idWeights(items)
		}
		x = addRows(t, x, m.ids, items, idW)
	}
	return t.L2Normalize(x, 1e-12)
}

// historyBag lays out the users' pooling weights over item vectors: the last
// History items of each history, weights summing to one per user (an empty
// history gives a zero row).
func (m *Model) historyBag(hists [][]int) (ids, offsets []int, w []float32) {
	offsets = make([]int, 1, len(hists)+1)
	for _, h := range hists {
		recent, hw := poolWeights(h, m.Spec.History, m.Spec.Pooling, m.Spec.HalfLife)
		ids = append(ids, recent...)
		for _, x := range hw {
			w = append(w, float32(x))
		}
		offsets = append(offsets, len(ids))
	}
	return ids, offsets, w
}

// poolWeights returns the last window items of h and their pooling weights,
// which sum to one: equal (Mean), or 2^(-k/halfLife) for the item k steps
// before the end, normalised (Recency).
func poolWeights(h []int, window int, p Pooling, halfLife float64) ([]int, []float64) {
	if len(h) > window {
		h = h[len(h)-window:]
	}
	w := make([]float64, len(h))
	var sum float64
	for k := range h {
		w[k] = 1
		if p == Recency {
			w[k] = math.Exp2(-float64(len(h)-1-k) / halfLife)
		}
		sum += w[k]
	}
	for k := range w {
		w[k] /= sum
	}
	return h, w
}

// userVectors embeds users from their histories given item vectors v (rows,
// Dim), histories holding row indices of v: (len(hists), Dim), unit rows.
func (m *Model) userVectors(t *ag.Tape, v *ag.Var, hists [][]int) *ag.Var {
	ids, offsets, w := m.historyBag(hists)
	h := t.EmbeddingBag(v, ids, offsets, w)
	return t.L2Normalize(m.user.Forward(t, h), 1e-12)
}

// snapshot copies the parameter values; restore puts them back.
func (m *Model) snapshot() []*tensor.Tensor {
	ps := m.Params()
	out := make([]*tensor.Tensor, len(ps))
	for i, p := range ps {
		out[i] = p.Value.Clone()
	}
	return out
}

func (m *Model) restore(snap []*tensor.Tensor) {
	for i, p := range m.Params() {
		copy(p.Value.Data, snap[i].Data)
	}
}
