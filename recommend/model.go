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
	iota   []int // 0..items-1, and offsets 0..items, for the ID bag
	iotaOf []int
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
	m.iota, m.iotaOf = make([]int, n), make([]int, n+1)
	for i := range n {
		m.iota[i], m.iotaOf[i+1] = i, i+1
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

// idMask returns the weights of the ID bag at evaluation: 1 for items with an
// ID vector.
func (m *Model) idMask() []float32 {
	w := make([]float32, m.NumItems())
	for i, ok := range m.Spec.HasID {
		if ok {
			w[i] = 1
		}
	}
	return w
}

// itemVectors embeds the whole catalogue: (items, Dim), unit rows. idW weighs
// each item's ID vector (nil: the evaluation mask, idMask).
func (m *Model) itemVectors(t *ag.Tape, idW []float32) *ag.Var {
	n := m.NumItems()
	x := t.EmbeddingBag(m.words, m.bags.ids, m.bags.offsets, m.bags.w) // (items·fields, WordDim)
	x = t.Reshape(x, n, numFields*m.Spec.WordDim)
	for k, l := range m.mlp {
		x = l.Forward(t, x)
		if k < len(m.mlp)-1 {
			x = t.ReLU(x)
		}
	}
	if m.ids != nil {
		if idW == nil {
			idW = m.idMask()
		}
		x = t.Add(x, t.EmbeddingBag(m.ids, m.iota, m.iotaOf, idW))
	}
	return t.L2Normalize(x, 1e-12)
}

// historyBag lays out the users' pooling weights over item vectors: the last
// History items of each history, weights summing to one per user (an empty
// history gives a zero row).
func (m *Model) historyBag(hists [][]int) (ids, offsets []int, w []float32) {
	offsets = make([]int, 1, len(hists)+1)
	for _, h := range hists {
		if len(h) > m.Spec.History {
			h = h[len(h)-m.Spec.History:]
		}
		start := len(ids)
		var sum float64
		for k, it := range h {
			ids = append(ids, it)
			x := 1.0
			if m.Spec.Pooling == Recency {
				x = math.Exp2(-float64(len(h)-1-k) / m.Spec.HalfLife)
			}
			w = append(w, float32(x))
			sum += x
		}
		for k := start; k < len(ids); k++ {
			w[k] = float32(float64(w[k]) / sum)
		}
		offsets = append(offsets, len(ids))
	}
	return ids, offsets, w
}

// userVectors embeds users from their histories (item indices) given the item
// vectors v (items, Dim): (len(hists), Dim), unit rows.
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
