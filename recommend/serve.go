package recommend

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/tensor"
)

// Scored is one recommended movie.
type Scored struct {
	MovieID int     `json:"movie_id"`
	Title   string  `json:"title"`
	Score   float32 `json:"score"` // cosine of the user and item vectors; training count for an empty history
}

// Recommender serves a trained model: item vectors computed once and held in
// an exact inner-product index. It is safe for concurrent use.
type Recommender struct {
	*Model
	vecs  *tensor.Tensor // (items, Dim), unit rows
	index index.Index
	byPop []int // items by decreasing training popularity, for empty histories
}

// LoadModel reads a run directory written by Train (SpecFile and ModelFile)
// and prepares it for serving.
func LoadModel(dir string) (*Recommender, error) {
	m, err := readModel(dir)
	if err != nil {
		return nil, err
	}
	return NewRecommender(m)
}

// NewRecommender embeds m's catalogue and indexes it.
func NewRecommender(m *Model) (*Recommender, error) {
	r := &Recommender{Model: m}
	r.vecs = m.itemVectors(ag.NewTape(false), nil, nil).Value
	ix, err := index.NewFlat(index.Config{Dim: m.Spec.Dim, Metric: index.Dot})
	if err != nil {
		return nil, fmt.Errorf("recommend: index: %w", err)
	}
	d := m.Spec.Dim
	items := make([]index.Item, m.NumItems())
	for i, it := range m.Spec.Items {
		items[i] = index.Item{ID: strconv.Itoa(it.MovieID), Vector: r.vecs.Data[i*d : (i+1)*d]}
	}
	if err := ix.Add(items...); err != nil {
		return nil, fmt.Errorf("recommend: index: %w", err)
	}
	r.index = ix
	r.byPop = make([]int, m.NumItems())
	for i := range r.byPop {
		r.byPop[i] = i
	}
	pop := m.Spec.Popularity
	slices.SortStableFunc(r.byPop, func(a, b int) int { return cmp.Compare(pop[b], pop[a]) })
	return r, nil
}

// Recommend returns the k best movies for a user whose history is the given
// movie IDs, oldest first (the last Spec.History count). Movies of the history
// and of exclude are never returned. An empty history gets the most popular
// movies of the training data. An unknown movie ID in history is an error;
// in exclude it is ignored.
func (r *Recommender) Recommend(history []int, k int, exclude []int) ([]Scored, error) {
	if k < 1 {
		return nil, fmt.Errorf("recommend: k = %d, want >= 1", k)
	}
	skip := make(map[int]bool, len(history)+len(exclude))
	hist := make([]int, 0, len(history))
	for _, id := range history {
		it, ok := r.itemOf[id]
		if !ok {
			return nil, fmt.Errorf("recommend: movie %d is not in the catalogue", id)
		}
		hist = append(hist, it)
		skip[id] = true
	}
	for _, id := range exclude {
		skip[id] = true
	}
	k = min(k, r.NumItems())
	var out []Scored
	if len(hist) == 0 {
		for _, it := range r.byPop {
			if len(out) == k {
				break
			}
			if t := r.Spec.Items[it]; !skip[t.MovieID] {
				out = append(out, Scored{MovieID: t.MovieID, Title: t.Title, Score: float32(r.Spec.Popularity[it])})
			}
		}
		return out, nil
	}
	u := r.userVectors(ag.NewTape(false), ag.Const(r.vecs), [][]int{hist}).Value.Data
	if math.IsNaN(float64(u[0])) || math.IsInf(float64(u[0]), 0) {
		return nil, fmt.Errorf("recommend: the user vector is not finite")
	}
	res, err := r.index.Search(u, min(r.NumItems(), k+len(skip)), index.Params{})
	if err != nil {
		return nil, fmt.Errorf("recommend: search: %w", err)
	}
	for _, h := range res {
		if len(out) == k {
			break
		}
		id, err := strconv.Atoi(h.ID)
		if err != nil || skip[id] {
			continue
		}
		out = append(out, Scored{MovieID: id, Title: r.Spec.Items[r.itemOf[id]].Title, Score: h.Score})
	}
	return out, nil
}
