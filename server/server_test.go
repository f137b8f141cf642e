package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/client"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
	"go.yaml.in/yaml/v3"
)

type echoRecommender struct{}

func (echoRecommender) Recommend(_ context.Context, req json.RawMessage) (any, error) {
	var in struct {
		User string `json:"user"`
	}
	if err := json.Unmarshal(req, &in); err != nil || in.User == "" {
		return nil, fmt.Errorf("%w: want {\"user\": NAME}", server.ErrBadInput)
	}
	return map[string]any{"user": in.User, "items": []string{"a", "b"}}, nil
}

// TestEndpoints drives every endpoint through the client and checks the
// answers against naive loops over the test's own copy of the items.
func TestEndpoints(t *testing.T) {
	const dim, n = 8, 200
	ctx := context.Background()
	db := openDB(t, index.KindFlat, dim)
	model := verifyingModel{&wordModel{dim: dim}}
	ts := start(t, server.Options{Index: db, Model: model, Recommender: echoRecommender{}, Token: "s3cret"}, client.WithToken("s3cret"))
	c := ts.c

	rng := rand.New(rand.NewPCG(1, 2))
	items := map[string][]float32{}
	genre := map[string]string{}
	var batch []client.Item
	for i := range n {
		id := fmt.Sprintf("item/%d %s", i, []string{"a", "b"}[i%2]) // slash and space exercise path escaping
		v := randVec(rng, dim)
		items[id], genre[id] = v, []string{"jazz", "rock", "folk"}[i%3]
		batch = append(batch, client.Item{ID: id, Vector: v, Meta: json.RawMessage(fmt.Sprintf(`{"genre":%q,"n":%d}`, genre[id], i))})
	}
	// Raw inputs go through the model.
	for _, w := range []string{"apple", "pear"} {
		items["word:"+w] = wordVec(w, dim)
		batch = append(batch, client.Item{ID: "word:" + w, Input: json.RawMessage(fmt.Sprintf("%q", w))})
	}
	up, err := c.Upsert(ctx, batch...)
	if err != nil {
		t.Fatal(err)
	}
	if up.Upserted != len(batch) || up.Items != len(items) {
		t.Fatalf("upsert answered %+v, want %d upserted and %d items", up, len(batch), len(items))
	}

	t.Run("health and info", func(t *testing.T) {
		got, err := c.Health(ctx)
		if err != nil || got != len(items) {
			t.Fatalf("health = %d, %v; want %d", got, err, len(items))
		}
		info, err := c.Info(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if info.Index.Kind != "flat" || info.Index.Dim != dim || info.Index.Metric != "cosine" || info.Index.Items != len(items) ||
			info.Model == nil || info.Model.Name != "words" || !info.Verifier || !info.Recommender || info.Scorer || !info.Auth.Writes || info.Auth.Reads ||
			info.Limits.MaxK != server.DefaultMaxK {
			t.Fatalf("info = %+v", info)
		}
	})

	t.Run("get", func(t *testing.T) {
		for _, id := range []string{"item/3 b", "word:pear"} {
			it, err := c.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			want := unit(items[id])
			for j := range want {
				if math.Abs(float64(it.Vector[j]-want[j])) > 1e-6 {
					t.Fatalf("%s: stored vector %v, want the unit vector %v", id, it.Vector, want)
				}
			}
			if id == "item/3 b" && string(it.Meta) != `{"genre":"jazz","n":3}` {
				t.Fatalf("meta %s", it.Meta)
			}
		}
	})

	checkResults := func(t *testing.T, got, want []client.Result) {
		t.Helper()
		if len(got) != len(want) {
			t.Fatalf("%d results, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i].ID != want[i].ID || math.Abs(float64(got[i].Score-want[i].Score)) > 1e-5 {
				t.Fatalf("result %d = %s %.6f, want %s %.6f", i, got[i].ID, got[i].Score, want[i].ID, want[i].Score)
			}
		}
	}
	q := randVec(rng, dim)
	searches := []struct {
		name string
		req  client.SearchRequest
		want []client.Result
	}{
		{"vector", client.SearchRequest{Query: client.ByVector(q), K: 7}, naiveSearch(items, q, 7, "", nil)},
		{"default k", client.SearchRequest{Query: client.ByVector(q)}, naiveSearch(items, q, server.DefaultK, "", nil)},
		{"id excludes itself", client.SearchRequest{Query: client.ByID("item/10 a"), K: 5}, naiveSearch(items, items["item/10 a"], 5, "item/10 a", nil)},
		{"input", client.SearchRequest{Query: client.ByInput(json.RawMessage(`"banana"`)), K: 4}, naiveSearch(items, wordVec("banana", dim), 4, "", nil)},
		{"filter", client.SearchRequest{Query: client.ByVector(q), K: 6, Filter: &client.Filter{Field: "genre", Equals: "rock"}},
			naiveSearch(items, q, 6, "", func(id string) bool { return genre[id] == "rock" })},
		{"filter matching nothing", client.SearchRequest{Query: client.ByVector(q), K: 6, Filter: &client.Filter{Field: "genre", Equals: "polka"}}, nil},
		{"k above size", client.SearchRequest{Query: client.ByVector(q), K: 1000}, naiveSearch(items, q, 1000, "", nil)},
	}
	for _, s := range searches {
		t.Run("search/"+s.name, func(t *testing.T) {
			got, err := c.Search(ctx, s.req)
			if err != nil {
				t.Fatal(err)
			}
			checkResults(t, got, s.want)
		})
	}

	t.Run("embed", func(t *testing.T) {
		got, err := c.Embed(ctx, json.RawMessage(`"x"`), json.RawMessage(`"y"`))
		if err != nil {
			t.Fatal(err)
		}
		for i, w := range []string{"x", "y"} {
			if fmt.Sprint(got[i]) != fmt.Sprint(wordVec(w, dim)) {
				t.Fatalf("embedding of %q = %v, want %v", w, got[i], wordVec(w, dim))
			}
		}
	})

	t.Run("similarity", func(t *testing.T) {
		a, b := randVec(rng, dim), randVec(rng, dim)
		cases := []struct {
			name    string
			a, b    client.Query
			want    float64
			verdict bool
		}{
			{"vectors", client.ByVector(a), client.ByVector(b), cosine(a, b), false},
			{"id and vector", client.ByID("item/4 a"), client.ByVector(b), cosine(items["item/4 a"], b), false},
			{"inputs", client.ByInput(json.RawMessage(`"cat"`)), client.ByInput(json.RawMessage(`"dog"`)), cosine(wordVec("cat", dim), wordVec("dog", dim)), true},
			{"same input", client.ByInput(json.RawMessage(`"cat"`)), client.ByInput(json.RawMessage(`"cat"`)), 1, true},
		}
		for _, cs := range cases {
			got, err := c.Similarity(ctx, cs.a, cs.b)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Score-cs.want) > 1e-6 || got.Metric != "cosine" || (got.Verdict != nil) != cs.verdict {
				t.Fatalf("%s: %+v, want score %.6f (verdict %v)", cs.name, got, cs.want, cs.verdict)
			}
			if cs.verdict {
				var sa, sb string
				json.Unmarshal(cs.a.Input, &sa)
				json.Unmarshal(cs.b.Input, &sb)
				d := euclid(wordVec(sa, dim), wordVec(sb, dim))
				if math.Abs(got.Verdict.Distance-d) > 1e-9 || got.Verdict.Same != (d <= 1) {
					t.Fatalf("%s: verdict %+v, want distance %v", cs.name, got.Verdict, d)
				}
			}
		}
	})

	t.Run("recommend", func(t *testing.T) {
		var out struct {
			User  string   `json:"user"`
			Items []string `json:"items"`
		}
		if err := c.Recommend(ctx, map[string]string{"user": "ann"}, &out); err != nil {
			t.Fatal(err)
		}
		if out.User != "ann" || len(out.Items) != 2 {
			t.Fatalf("recommend = %+v", out)
		}
		wantCode(t, c.Recommend(ctx, map[string]string{}, &out), client.CodeBadRequest, 400)
	})

	t.Run("upsert replaces", func(t *testing.T) {
		v := randVec(rng, dim)
		if _, err := c.Upsert(ctx, client.Item{ID: "item/5 b", Vector: v, Meta: json.RawMessage(`{"genre":"new"}`)}); err != nil {
			t.Fatal(err)
		}
		items["item/5 b"] = v
		got, err := c.Search(ctx, client.SearchRequest{Query: client.ByVector(v), K: 1, Filter: &client.Filter{Field: "genre", Equals: "new"}})
		if err != nil || len(got) != 1 || got[0].ID != "item/5 b" {
			t.Fatalf("search after replace = %v, %v", got, err)
		}
		if n, _ := c.Health(ctx); n != len(items) {
			t.Fatalf("replace changed the size to %d", n)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if err := c.Delete(ctx, "item/7 b"); err != nil {
			t.Fatal(err)
		}
		delete(items, "item/7 b")
		_, err := c.Get(ctx, "item/7 b")
		wantCode(t, err, client.CodeNotFound, 404)
		wantCode(t, c.Delete(ctx, "item/7 b"), client.CodeNotFound, 404)
		got, err := c.Search(ctx, client.SearchRequest{Query: client.ByVector(q), K: len(items) + 5})
		if err != nil {
			t.Fatal(err)
		}
		checkResults(t, got, naiveSearch(items, q, len(items)+5, "", nil))
	})

	t.Run("metrics", func(t *testing.T) {
		text, err := c.Metrics(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{
			`contrast_http_requests_total{code="200",route="POST /v1/search"} ` + fmt.Sprint(len(searches)+2), // the table, "upsert replaces" and "delete",
			`contrast_http_requests_total{code="404",route="DELETE /v1/items/{id}"} 1`,
			`contrast_http_request_duration_seconds_count{route="PUT /v1/items"} 2`,
			fmt.Sprintf("contrast_index_items %d", len(items)),
			fmt.Sprintf("contrast_index_dimension %d", dim),
			"contrast_http_in_flight_requests 1", // this request
		} {
			if !strings.Contains(text, want+"\n") {
				t.Errorf("metrics lack %q", want)
			}
		}
	})

	t.Run("openapi", func(t *testing.T) {
		b, err := c.OpenAPI(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(server.OpenAPI()) {
			t.Fatal("GET /openapi.yaml differs from server.OpenAPI()")
		}
		var doc struct {
			OpenAPI string                    `yaml:"openapi"`
			Paths   map[string]map[string]any `yaml:"paths"`
		}
		if err := yaml.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, route := range []string{"POST /v1/embed", "POST /v1/search", "POST /v1/similarity", "PUT /v1/items", "GET /v1/items/{id}",
			"DELETE /v1/items/{id}", "POST /v1/recommend", "POST /v1/score", "POST /v1/score/capture", "GET /v1/info", "GET /healthz", "GET /metrics", "GET /openapi.yaml"} {
			method, path, _ := strings.Cut(route, " ")
			if _, ok := doc.Paths[path][strings.ToLower(method)]; !ok {
				t.Errorf("openapi.yaml does not describe %s", route)
			}
		}
		if !strings.HasPrefix(doc.OpenAPI, "3.") {
			t.Errorf("openapi version %q", doc.OpenAPI)
		}
	})
}

// TestScore checks Score against hand-computed values.
func TestScore(t *testing.T) {
	a, b := []float32{1, 2, 2}, []float32{2, 0, 1}
	cases := []struct {
		m    index.Metric
		want float64
	}{
		{index.Cosine, 4.0 / (3 * math.Sqrt(5))},
		{index.Dot, 4},
		{index.L2, 1 + 4 + 1},
	}
	for _, c := range cases {
		t.Run(c.m.String(), func(t *testing.T) {
			if got := server.Score(c.m, a, b); math.Abs(got-c.want) > 1e-12 {
				t.Fatalf("Score = %v, want %v", got, c.want)
			}
		})
	}
	if got := server.Score(index.Cosine, a, []float32{0, 0, 0}); got != 0 {
		t.Fatalf("cosine with a zero vector = %v, want 0", got)
	}
}

// readOnlyStore is an empty Store that reports server.ReadOnly; its writes
// fail the test, since the server must refuse them before reaching it.
type readOnlyStore struct {
	*index.Flat
	t *testing.T
}

func (s readOnlyStore) ReadOnly() bool { return true }
func (s readOnlyStore) Upsert(...index.Item) error {
	s.t.Error("Upsert reached a read-only store")
	return nil
}
func (s readOnlyStore) Delete(...string) (int, error) {
	s.t.Error("Delete reached a read-only store")
	return 0, nil
}

// TestReadOnlyStore checks that a store reporting ReadOnly gets no writes:
// PUT and DELETE /v1/items answer 501 not_implemented, even for a body that
// would not decode, and /v1/info says read_only.
func TestReadOnlyStore(t *testing.T) {
	flat, err := index.NewFlat(index.Config{Dim: 4, Metric: index.Cosine})
	if err != nil {
		t.Fatal(err)
	}
	ts := start(t, server.Options{Index: readOnlyStore{flat, t}})
	ctx := context.Background()
	_, err = ts.c.Upsert(ctx, client.Item{ID: "a", Vector: []float32{1, 0, 0, 0}})
	wantCode(t, err, "not_implemented", 501)
	wantCode(t, ts.c.Delete(ctx, "a"), "not_implemented", 501)
	resp, err := http.DefaultClient.Do(mustRequest(t, "PUT", ts.url+"/v1/items", `{"items": "not a list"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 501 {
		t.Errorf("PUT of a malformed body: %d, want 501", resp.StatusCode)
	}
	info, err := ts.c.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Index.ReadOnly || info.Index.Items != 0 {
		t.Errorf("info index %+v, want read_only and no items", info.Index)
	}
	// With a token, an unauthenticated write is refused for the token first.
	guarded := start(t, server.Options{Index: readOnlyStore{flat, t}, Token: "tok"})
	_, err = guarded.c.Upsert(ctx, client.Item{ID: "a", Vector: []float32{1, 0, 0, 0}})
	wantCode(t, err, "unauthorized", 401)
	authed, err := client.New(guarded.url, client.WithToken("tok"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = authed.Upsert(ctx, client.Item{ID: "a", Vector: []float32{1, 0, 0, 0}})
	wantCode(t, err, "not_implemented", 501)
	// A writable store says so by leaving read_only out.
	plain := start(t, server.Options{Index: flat})
	if info, err := plain.c.Info(ctx); err != nil || info.Index.ReadOnly {
		t.Errorf("info of a writable store: %+v, %v", info, err)
	}
}

// TestQuantisedFirstWrite checks that an int8 index takes a first PUT of a
// single item (it fits its quantizer later, see index.MinQuantFit) and finds
// it, and that writes go on past the fit.
func TestQuantisedFirstWrite(t *testing.T) {
	flat, err := index.NewFlat(index.Config{Dim: 4, Metric: index.Cosine, Quantization: index.Int8PerDim})
	if err != nil {
		t.Fatal(err)
	}
	ts := start(t, server.Options{Index: flat})
	ctx := context.Background()
	if _, err := ts.c.Upsert(ctx, client.Item{ID: "a", Vector: []float32{1, 0, 0, 0}}); err != nil {
		t.Fatalf("a first single-item write: %v", err)
	}
	if got, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByVector([]float32{1, 0, 0, 0}), K: 1}); err != nil || len(got) != 1 || got[0].ID != "a" {
		t.Fatalf("search after a single-item write: %v, %v", got, err)
	}
	items := make([]client.Item, index.MinQuantFit)
	for i := range items {
		items[i] = client.Item{ID: fmt.Sprint("i", i), Vector: []float32{float32(i), 1, float32(i % 7), -1}}
	}
	// found checks that a search for id's vector ranks id among the first k
	// and that the index holds want items. (After the fit, searches run on
	// int8 codes, which may reorder near ties: i10 has close neighbours,
	// and so has a, whose direction the large i approach.)
	found := func(when, id string, v []float32, k, want int) {
		t.Helper()
		got, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByVector(v), K: k})
		hit := false
		for _, r := range got {
			hit = hit || r.ID == id
		}
		if err != nil || !hit {
			t.Fatalf("%s: search for %s: %v, %v", when, id, got, err)
		}
		if n, err := ts.c.Health(ctx); err != nil || n != want {
			t.Fatalf("%s: %d items, %v; want %d", when, n, err, want)
		}
	}
	res, err := ts.c.Upsert(ctx, items...)
	if err != nil || res.Upserted != len(items) || res.Items != 1+len(items) {
		t.Fatalf("the fitting write: %+v, %v", res, err)
	}
	found("after the fit", "i10", items[10].Vector, 3, 1+len(items))
	if _, err := ts.c.Upsert(ctx, client.Item{ID: "a", Vector: []float32{1, 0, 0, 0}}); err != nil {
		t.Fatalf("a single-item write after the fit: %v", err)
	}
	if n, err := ts.c.Health(ctx); err != nil || n != 1+len(items) {
		t.Fatalf("after replacing a: %d items, %v; want %d", n, err, 1+len(items))
	}
	// b is far from every other item (cosine 0.73 at most): it must come
	// first, although its third component lies beyond the fitted range and
	// is clamped.
	b := []float32{0, 1, 6, -1}
	if _, err := ts.c.Upsert(ctx, client.Item{ID: "b", Vector: b}); err != nil {
		t.Fatalf("a new single item after the fit: %v", err)
	}
	found("after adding b", "b", b, 1, 2+len(items))
}

func mustRequest(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return req
}
