package recommend

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"sync"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/strictjson"
	"github.com/contrast-ml/contrast/tensor"
)

// Scored is one recommended movie.
type Scored struct {
	MovieID int     `json:"movie_id"`
	Title   string  `json:"title"`
	Score   float32 `json:"score"` // cosine of the user and item vectors; training count for an empty history
}

// serving is what Recommend needs besides the weights: the catalogue's item
// vectors, computed once, in an exact inner-product index.
type serving struct {
	once  sync.Once
	err   error
	vecs  *tensor.Tensor // (items, Dim), unit rows
	index index.Index
	byPop []int // items by decreasing training popularity, for empty histories
}

// LoadModel reads a run directory written by Train (SpecFile and ModelFile)
// and prepares it for serving.
func LoadModel(dir string) (*Model, error) {
	m, err := readModel(dir)
	if err != nil {
		return nil, err
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

// prepare embeds the catalogue and indexes it, once; the weights must not
// change afterwards.
func (m *Model) prepare() error {
	s := &m.srv
	s.once.Do(func() {
		s.vecs = m.itemVectors(ag.NewTape(false), nil, nil).Value
		ix, err := index.NewFlat(index.Config{Dim: m.Spec.Dim, Metric: index.Dot})
		if err != nil {
			s.err = fmt.Errorf("recommend: index: %w", err)
			return
		}
		d := m.Spec.Dim
		items := make([]index.Item, m.NumItems())
		for i, it := range m.Spec.Items {
			items[i] = index.Item{ID: strconv.Itoa(it.MovieID), Vector: s.vecs.Data[i*d : (i+1)*d]}
		}
		if err := ix.Add(items...); err != nil {
			s.err = fmt.Errorf("recommend: index: %w", err)
			return
		}
		s.index = ix
		s.byPop = make([]int, m.NumItems())
		for i := range s.byPop {
			s.byPop[i] = i
		}
		pop := m.Spec.Popularity
		slices.SortStableFunc(s.byPop, func(a, b int) int { return cmp.Compare(pop[b], pop[a]) })
	})
	return s.err
}

// Recommend returns the k best movies for a user whose history is the given
// movie IDs, oldest first (the last Spec.History count). Movies of the history
// and of exclude are never returned. An empty history gets the most popular
// movies of the training data. An unknown movie ID in history is an error;
// in exclude it is ignored. The first call on a model that LoadModel did not
// return embeds and indexes the catalogue. It is safe for concurrent use.
func (m *Model) Recommend(history []int, k int, exclude []int) ([]Scored, error) {
	if err := m.prepare(); err != nil {
		return nil, err
	}
	srv := &m.srv
	if k < 1 {
		return nil, fmt.Errorf("recommend: k = %d, want >= 1: %w", k, ErrBadRequest)
	}
	skip := make(map[int]bool, len(history)+len(exclude))
	hist := make([]int, 0, len(history))
	for _, id := range history {
		it, ok := m.itemOf[id]
		if !ok {
			return nil, fmt.Errorf("recommend: movie %d is not in the catalogue: %w", id, ErrBadRequest)
		}
		hist = append(hist, it)
		skip[id] = true
	}
	for _, id := range exclude {
		skip[id] = true
	}
	k = min(k, m.NumItems())
	var out []Scored
	if len(hist) == 0 {
		for _, it := range srv.byPop {
			if len(out) == k {
				break
			}
			if t := m.Spec.Items[it]; !skip[t.MovieID] {
				out = append(out, Scored{MovieID: t.MovieID, Title: t.Title, Score: float32(m.Spec.Popularity[it])})
			}
		}
		return out, nil
	}
	u := m.userVectors(ag.NewTape(false), ag.Const(srv.vecs), [][]int{hist}).Value.Data
	if math.IsNaN(float64(u[0])) || math.IsInf(float64(u[0]), 0) {
		return nil, fmt.Errorf("recommend: the user vector is not finite")
	}
	res, err := srv.index.Search(u, min(m.NumItems(), k+len(skip)), index.Params{})
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
		out = append(out, Scored{MovieID: id, Title: m.Spec.Items[m.itemOf[id]].Title, Score: h.Score})
	}
	return out, nil
}

// ErrBadRequest is wrapped by the errors that the caller's input causes (an
// unknown movie in the history, a bad k, a malformed request body): an HTTP
// handler answers them with 400 and the message.
var ErrBadRequest = errors.New("bad request")

// MaxK bounds Request.K.
const MaxK = 1000

// Request is the JSON body of POST /v1/recommend, e.g.
// {"history": [1, 260, 1196], "k": 5, "exclude": [2571]}.
type Request struct {
	History []int `json:"history"`           // movie IDs, oldest first
	K       int   `json:"k,omitempty"`       // results wanted: 1 to MaxK, default 10
	Exclude []int `json:"exclude,omitempty"` // movie IDs never to return
}

// Response is the answer to a Request.
type Response struct {
	Items []Scored `json:"items"`
}

// HandleJSON decodes a Request strictly (strictjson.Decode: a null body,
// unknown, repeated or wrongly cased fields and trailing data are errors)
// and answers it. Errors caused by the body wrap ErrBadRequest.
func (m *Model) HandleJSON(body []byte) (*Response, error) {
	var req Request
	if err := strictjson.Decode(body, &req); err != nil {
		return nil, fmt.Errorf("recommend: request: %v: %w", err, ErrBadRequest)
	}
	if req.K == 0 {
		req.K = 10
	}
	if req.K < 1 || req.K > MaxK {
		return nil, fmt.Errorf("recommend: request: k = %d, want 1 to %d: %w", req.K, MaxK, ErrBadRequest)
	}
	items, err := m.Recommend(req.History, req.K, req.Exclude)
	if err != nil {
		return nil, err
	}
	if items == nil {
		items = []Scored{}
	}
	return &Response{Items: items}, nil
}
