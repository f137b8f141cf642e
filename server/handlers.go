package server

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"

	"github.com/contrast-ml/contrast/index"
)

// Response bodies.
type (
	embedResponse struct {
		Embeddings [][]float32 `json:"embeddings"`
		Dim        int         `json:"dim"`
	}
	searchResponse struct {
		Results []index.Result `json:"results"`
	}
	similarityResponse struct {
		Score   float64  `json:"score"`
		Metric  string   `json:"metric"`
		Verdict *Verdict `json:"verdict,omitempty"`
	}
	upsertResponse struct {
		Upserted int `json:"upserted"`
		Items    int `json:"items"`
	}
	deleteResponse struct {
		Deleted int `json:"deleted"`
	}
	scoreResponse struct {
		Scores []any `json:"scores"`
	}
	infoResponse struct {
		Index struct {
			Kind     string `json:"kind,omitempty"`
			Dim      int    `json:"dim"`
			Metric   string `json:"metric"`
			Items    int    `json:"items"`
			ReadOnly bool   `json:"read_only,omitempty"`
		} `json:"index"`
		Model       *ModelInfo `json:"model"`
		Verifier    bool       `json:"verifier"`
		Recommender bool       `json:"recommender"`
		Scorer      bool       `json:"scorer"`
		// CaptureScorer: POST /v1/score/capture answers.
		CaptureScorer bool `json:"capture_scorer"`
		Limits        struct {
			MaxBody       int64   `json:"max_body"`
			MaxBatch      int     `json:"max_batch"`
			MaxK          int     `json:"max_k"`
			TimeoutS      float64 `json:"timeout_s"`
			MaxConcurrent int     `json:"max_concurrent"`
		} `json:"limits"`
		Auth struct {
			Writes bool `json:"writes"`
			Reads  bool `json:"reads"`
		} `json:"auth"`
	}
)

func (s *Server) needModel() error {
	if s.model == nil {
		return errorf(CodeNotImplemented, "this server has no model: send vectors or stored IDs instead of raw inputs")
	}
	return nil
}

// embedInputs runs the model and checks what it returns: a model that
// returns the wrong shape or non-finite values is an internal error. field
// names the inputs in the request, for the model's *InputError.
func (s *Server) embedInputs(r *http.Request, inputs []json.RawMessage, field inputsField) ([][]float32, error) {
	if err := s.needModel(); err != nil {
		return nil, err
	}
	out, err := s.model.Embed(r.Context(), inputs)
	if err != nil {
		return nil, nameInput(err, field, len(inputs))
	}
	if len(out) != len(inputs) {
		return nil, fmt.Errorf("model %q returned %d embeddings for %d inputs", s.model.Info().Name, len(out), len(inputs))
	}
	dim := s.st.Dim()
	for i, v := range out {
		if len(v) != dim {
			return nil, fmt.Errorf("model %q returned embedding %d of dimension %d, want %d", s.model.Info().Name, i, len(v), dim)
		}
		for _, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, fmt.Errorf("model %q returned a non-finite value in embedding %d", s.model.Info().Name, i)
			}
		}
	}
	return out, nil
}

// resolve turns a query into a vector: as given, stored, or embedded; field
// is the query's input as the request spells it ("input", "a.input").
func (s *Server) resolve(r *http.Request, q *query, field string) ([]float32, error) {
	switch {
	case q.Vector != nil:
		return q.Vector, nil
	case q.ID != "":
		it, ok := s.st.Get(q.ID)
		if !ok {
			return nil, errorf(CodeNotFound, "no item with ID %q", q.ID)
		}
		return it.Vector, nil
	}
	v, err := s.embedInputs(r, []json.RawMessage{q.Input}, func(int) string { return field })
	if err != nil {
		return nil, err
	}
	return v[0], nil
}

func (s *Server) embed(r *http.Request, body []byte) (any, error) {
	req, err := decodeInputs(body, s.lim)
	if err != nil {
		return nil, err
	}
	out, err := s.embedInputs(r, req.Inputs, inputsList)
	if err != nil {
		return nil, err
	}
	return embedResponse{Embeddings: out, Dim: s.st.Dim()}, nil
}

func (s *Server) search(r *http.Request, body []byte) (any, error) {
	req, err := decodeSearch(body, s.lim, s.st.Dim())
	if err != nil {
		return nil, err
	}
	p := index.Params{Filter: req.filter, Ef: req.Ef}
	var res []index.Result
	if req.ID != "" {
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		if res, err = s.st.SearchByID(req.ID, req.K, p); err != nil {
			return nil, err
		}
	} else {
		q, err := s.resolve(r, &req.query, "input")
		if err != nil {
			return nil, err
		}
		if err := r.Context().Err(); err != nil {
			return nil, err
		}
		if res, err = s.st.Search(q, req.K, p); err != nil {
			return nil, err
		}
	}
	if res == nil {
		res = []index.Result{}
	}
	return searchResponse{Results: res}, nil
}

func (s *Server) similarity(r *http.Request, body []byte) (any, error) {
	req, err := decodeSimilarity(body, s.st.Dim())
	if err != nil {
		return nil, err
	}
	a, err := s.resolve(r, &req.A, "a.input")
	if err != nil {
		return nil, err
	}
	b, err := s.resolve(r, &req.B, "b.input")
	if err != nil {
		return nil, err
	}
	m := s.st.Metric()
	resp := similarityResponse{Score: Score(m, a, b), Metric: m.String()}
	if v, ok := s.model.(Verifier); ok && req.A.Input != nil && req.B.Input != nil {
		vd, err := v.Verify(r.Context(), req.A.Input, req.B.Input)
		if err != nil {
			return nil, nameInput(err, func(i int) string { return [2]string{"a.input", "b.input"}[i] }, 2)
		}
		resp.Verdict = &vd
	}
	return resp, nil
}

// Score compares two vectors by the index metric, as search results are
// scored: the cosine for index.Cosine (0 when either vector is zero), the
// inner product for index.Dot and the squared Euclidean distance for
// index.L2. It panics on vectors of different lengths.
func Score(m index.Metric, a, b []float32) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("server: Score: vectors of lengths %d and %d", len(a), len(b)))
	}
	var dot, na, nb, d2 float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
		d2 += (x - y) * (x - y)
	}
	switch m {
	case index.Cosine:
		if na == 0 || nb == 0 {
			return 0
		}
		return dot / math.Sqrt(na*nb)
	case index.L2:
		return d2
	}
	return dot
}

// readOnly reports whether the store keeps no items (see ReadOnly).
func (s *Server) readOnly() bool {
	ro, ok := s.st.(ReadOnly)
	return ok && ro.ReadOnly()
}

// errReadOnly answers writes to a read-only store.
var errReadOnly = &Error{Code: CodeNotImplemented, Message: "this server keeps no items (it has no index to write to)"}

func (s *Server) upsert(r *http.Request, body []byte) (any, error) {
	if s.readOnly() {
		return nil, errReadOnly
	}
	req, err := decodeUpsert(body, s.lim, s.st.Dim())
	if err != nil {
		return nil, err
	}
	items := make([]index.Item, len(req.Items))
	var raw []json.RawMessage
	var at []int
	for i, it := range req.Items {
		items[i] = index.Item{ID: it.ID, Vector: it.Vector, Meta: it.Meta}
		if it.Input != nil {
			raw, at = append(raw, it.Input), append(at, i)
		}
	}
	if len(raw) > 0 {
		vecs, err := s.embedInputs(r, raw, func(j int) string { return fmt.Sprintf("items[%d].input", at[j]) })
		if err != nil {
			return nil, err
		}
		for j, i := range at {
			items[i].Vector = vecs[j]
		}
	}
	// Past this point the write is applied and acknowledged even if the
	// deadline passes: a timeout answer always means "not written".
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	if err := s.writes.upsert(s.st, items); err != nil {
		return nil, fmt.Errorf("upsert %d items: %w", len(items), err)
	}
	return upsertResponse{Upserted: len(items), Items: s.st.Len()}, nil
}

func (s *Server) getItem(r *http.Request, _ []byte) (any, error) {
	id := r.PathValue("id")
	it, ok := s.st.Get(id)
	if !ok {
		return nil, errorf(CodeNotFound, "no item with ID %q", id)
	}
	return it, nil
}

func (s *Server) deleteItem(r *http.Request, _ []byte) (any, error) {
	if s.readOnly() {
		return nil, errReadOnly
	}
	id := r.PathValue("id")
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	n, err := s.st.Delete(id)
	if err != nil {
		return nil, fmt.Errorf("delete %q: %w", id, err)
	}
	if n == 0 {
		return nil, errorf(CodeNotFound, "no item with ID %q", id)
	}
	return deleteResponse{Deleted: n}, nil
}

func (s *Server) recommend(r *http.Request, body []byte) (any, error) {
	if s.rec == nil {
		return nil, errorf(CodeNotImplemented, "this server has no recommender")
	}
	// The Recommender decodes the body itself; it gets one JSON object with
	// unique keys, checked as strictly as every other body.
	if err := decodeStrict(body, new(map[string]json.RawMessage)); err != nil {
		return nil, err
	}
	return s.rec.Recommend(r.Context(), body)
}

// score passes the inputs to the Scorer and checks that it answers one
// result per input.
func (s *Server) score(r *http.Request, body []byte) (any, error) {
	if s.scorer == nil {
		return nil, errorf(CodeNotImplemented, "this server has no scorer: serve a model that scores its inputs (a threat run)")
	}
	req, err := decodeInputs(body, s.lim)
	if err != nil {
		return nil, err
	}
	out, err := s.scorer.Score(r.Context(), req.Inputs)
	if err != nil {
		return nil, nameInput(err, inputsList, len(req.Inputs))
	}
	if len(out) != len(req.Inputs) {
		return nil, fmt.Errorf("scorer returned %d results for %d inputs", len(out), len(req.Inputs))
	}
	return scoreResponse{Scores: out}, nil
}

// scoreCapture passes the body, a packet capture, to the CaptureScorer.
func (s *Server) scoreCapture(r *http.Request, body []byte) (any, error) {
	if s.capture == nil {
		return nil, errorf(CodeNotImplemented, "this server does not score packet captures: serve a threat run")
	}
	if len(body) == 0 {
		return nil, errorf(CodeBadRequest, "empty body: want a pcap or pcapng capture")
	}
	out, err := s.capture.ScoreCapture(r.Context(), body, s.lim.MaxBatch)
	if err != nil {
		return nil, err
	}
	return scoreResponse{Scores: out}, nil
}

func (s *Server) info(*http.Request, []byte) (any, error) {
	var resp infoResponse
	if k, ok := s.st.(interface{ Kind() index.Kind }); ok {
		resp.Index.Kind = k.Kind().String()
	}
	resp.Index.Dim, resp.Index.Metric, resp.Index.Items = s.st.Dim(), s.st.Metric().String(), s.st.Len()
	resp.Index.ReadOnly = s.readOnly()
	if s.model != nil {
		mi := s.model.Info()
		resp.Model = &mi
		_, resp.Verifier = s.model.(Verifier)
	}
	resp.Recommender = s.rec != nil
	resp.Scorer = s.scorer != nil
	resp.CaptureScorer = s.capture != nil
	l := s.lim
	resp.Limits.MaxBody, resp.Limits.MaxBatch, resp.Limits.MaxK = l.MaxBody, l.MaxBatch, l.MaxK
	resp.Limits.TimeoutS, resp.Limits.MaxConcurrent = l.Timeout.Seconds(), l.MaxConcurrent
	resp.Auth.Writes, resp.Auth.Reads = s.auth, s.authAll
	return resp, nil
}
