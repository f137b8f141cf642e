package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/client"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
)

// TestErrors sends bad requests and checks the status, the stable code and
// the JSON error body of each.
func TestErrors(t *testing.T) {
	const dim = 4
	ctx := context.Background()
	db := openDB(t, index.KindHNSW, dim)
	if err := db.Upsert(index.Item{ID: "a", Vector: []float32{1, 0, 0, 0}}, index.Item{ID: "b", Vector: []float32{0, 1, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	lim := server.Limits{MaxBody: 2000, MaxBatch: 3, MaxK: 50}
	withModel := start(t, server.Options{Index: db, Model: &wordModel{dim: dim}, Limits: lim, Token: "tok"})
	noModel := start(t, server.Options{Index: db, Limits: lim})
	authAll := start(t, server.Options{Index: db, Limits: lim, Token: "tok", AuthReads: true})
	big := `{"vector":[` + strings.Repeat("0,", 1200) + `0],"k":1}`
	item := func(id string) string { return fmt.Sprintf(`{"id":%q,"vector":[1,2,3,4]}`, id) }
	cases := []struct {
		name         string
		ts           *testServer
		method, path string
		body         string
		auth         string
		status       int
		code         string
	}{
		{"bad JSON", withModel, "POST", "/v1/search", `{"vector":[1,2,`, "", 400, "bad_request"},
		{"empty body", withModel, "POST", "/v1/search", ``, "", 400, "bad_request"},
		{"unknown field", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"kk":3}`, "", 400, "bad_request"},
		{"trailing data", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4]} {}`, "", 400, "bad_request"},
		{"wrong type", withModel, "POST", "/v1/search", `{"vector":"1,2,3,4"}`, "", 400, "bad_request"},
		{"float32 overflow", withModel, "POST", "/v1/search", `{"vector":[1e39,0,0,0]}`, "", 400, "bad_request"},
		{"norm overflow query", withModel, "POST", "/v1/search", `{"vector":[3e38,3e38,0,1]}`, "", 400, "bad_request"},
		{"norm overflow item", withModel, "PUT", "/v1/items", `{"items":[{"id":"big","vector":[3e38,3e38,3e38,3e38]}]}`, "Bearer tok", 400, "bad_request"},
		{"no query", withModel, "POST", "/v1/search", `{"k":3}`, "", 400, "bad_request"},
		{"two queries", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"id":"a"}`, "", 400, "bad_request"},
		{"wrong dimension", withModel, "POST", "/v1/search", `{"vector":[1,2,3]}`, "", 400, "bad_request"},
		{"k too large", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"k":51}`, "", 400, "bad_request"},
		{"k negative", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"k":-1}`, "", 400, "bad_request"},
		{"ef negative", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"ef":-1}`, "", 400, "bad_request"},
		{"bad filter", withModel, "POST", "/v1/search", `{"vector":[1,2,3,4],"filter":{"field":""}}`, "", 400, "bad_request"},
		{"unknown ID search", withModel, "POST", "/v1/search", `{"id":"zz"}`, "", 404, "not_found"},
		{"unknown ID similarity", withModel, "POST", "/v1/similarity", `{"a":{"id":"zz"},"b":{"id":"a"}}`, "", 404, "not_found"},
		{"similarity side missing", withModel, "POST", "/v1/similarity", `{"a":{"id":"a"}}`, "", 400, "bad_request"},
		{"unknown ID get", withModel, "GET", "/v1/items/zz", ``, "", 404, "not_found"},
		{"unknown ID delete", withModel, "DELETE", "/v1/items/zz", ``, "Bearer tok", 404, "not_found"},
		{"body too large", withModel, "POST", "/v1/search", big, "", 413, "too_large"},
		{"embed batch too large", withModel, "POST", "/v1/embed", `{"inputs":["a","b","c","d"]}`, "", 413, "too_large"},
		{"upsert batch too large", withModel, "PUT", "/v1/items", `{"items":[` + item("1") + `,` + item("2") + `,` + item("3") + `,` + item("4") + `]}`, "Bearer tok", 413, "too_large"},
		{"embed no inputs", withModel, "POST", "/v1/embed", `{"inputs":[]}`, "", 400, "bad_request"},
		{"embed null input", withModel, "POST", "/v1/embed", `{"inputs":[null]}`, "", 400, "bad_request"},
		{"model rejects input", withModel, "POST", "/v1/embed", `{"inputs":[42]}`, "", 400, "bad_request"},
		{"upsert duplicate IDs", withModel, "PUT", "/v1/items", `{"items":[` + item("x") + `,` + item("x") + `]}`, "Bearer tok", 400, "bad_request"},
		{"upsert empty ID", withModel, "PUT", "/v1/items", `{"items":[` + item("") + `]}`, "Bearer tok", 400, "bad_request"},
		{"upsert vector and input", withModel, "PUT", "/v1/items", `{"items":[{"id":"q","vector":[1,2,3,4],"input":"w"}]}`, "Bearer tok", 400, "bad_request"},
		{"upsert neither", withModel, "PUT", "/v1/items", `{"items":[{"id":"q","meta":{}}]}`, "Bearer tok", 400, "bad_request"},
		{"upsert bad meta", withModel, "PUT", "/v1/items", `{"items":[{"id":"q","vector":[1,2,3,4],"meta":{]}]}`, "Bearer tok", 400, "bad_request"},
		{"write without token", withModel, "PUT", "/v1/items", `{"items":[` + item("q") + `]}`, "", 401, "unauthorized"},
		{"write with wrong token", withModel, "PUT", "/v1/items", `{"items":[` + item("q") + `]}`, "Bearer tok2", 401, "unauthorized"},
		{"write with a prefix of the token", withModel, "PUT", "/v1/items", `{"items":[` + item("q") + `]}`, "Bearer to", 401, "unauthorized"},
		{"write with basic auth", withModel, "PUT", "/v1/items", `{"items":[` + item("q") + `]}`, "Basic dG9rOg==", 401, "unauthorized"},
		{"delete without token", withModel, "DELETE", "/v1/items/a", ``, "", 401, "unauthorized"},
		{"read without token under auth-reads", authAll, "POST", "/v1/search", `{"id":"a"}`, "", 401, "unauthorized"},
		{"no model: embed", noModel, "POST", "/v1/embed", `{"inputs":["w"]}`, "", 501, "not_implemented"},
		{"no model: search input", noModel, "POST", "/v1/search", `{"input":"w"}`, "", 501, "not_implemented"},
		{"no model: upsert input", noModel, "PUT", "/v1/items", `{"items":[{"id":"q","input":"w"}]}`, "", 501, "not_implemented"},
		{"no recommender", noModel, "POST", "/v1/recommend", `{}`, "", 501, "not_implemented"},
		{"unknown route", withModel, "GET", "/v2/search", ``, "", 404, "not_found"},
		{"wrong method", withModel, "GET", "/v1/search", ``, "", 405, "method_not_allowed"},
		{"wrong method on items", withModel, "POST", "/v1/items/a", `{}`, "", 405, "method_not_allowed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequestWithContext(ctx, c.method, c.ts.url+c.path, strings.NewReader(c.body))
			if c.auth != "" {
				req.Header.Set("Authorization", c.auth)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			var eb struct {
				Error struct {
					Code    string `json:"code"`
					Message string `json:"message"`
				} `json:"error"`
			}
			if err := json.Unmarshal(b, &eb); err != nil {
				t.Fatalf("body %q is not a JSON error: %v", b, err)
			}
			if resp.StatusCode != c.status || eb.Error.Code != c.code || eb.Error.Message == "" {
				t.Fatalf("got %d %q (%s), want %d %q", resp.StatusCode, eb.Error.Code, eb.Error.Message, c.status, c.code)
			}
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			switch c.status {
			case 401:
				if resp.Header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			case 405:
				if resp.Header.Get("Allow") == "" {
					t.Error("405 without Allow")
				}
			}
		})
	}
	// Nothing above wrote: the index still holds a and b only.
	if db.Len() != 2 {
		t.Fatalf("index has %d items after rejected requests, want 2", db.Len())
	}
	// Reads need no token unless AuthReads; the right token passes.
	if _, err := noModel.c.Search(ctx, client.SearchRequest{Query: client.ByID("a")}); err != nil {
		t.Fatal(err)
	}
	ok, _ := client.New(authAll.url, client.WithToken("tok"))
	if _, err := ok.Search(ctx, client.SearchRequest{Query: client.ByID("a")}); err != nil {
		t.Fatal(err)
	}
	// /healthz, /metrics and /openapi.yaml need no token even then.
	if _, err := authAll.c.Health(ctx); err != nil {
		t.Fatal(err)
	}
}

// failingStore fails every write with an error holding private detail.
type failingStore struct{ *index.DB }

func (failingStore) Upsert(...index.Item) error {
	return errors.New("write /secret/path/index.log: disk on fire")
}

// TestInternalErrorIsLoggedNotSent checks that an internal error reaches the
// log with its request ID and the client gets only the code and the ID.
func TestInternalErrorIsLoggedNotSent(t *testing.T) {
	db := openDB(t, index.KindFlat, 2)
	ts := start(t, server.Options{Index: failingStore{db}})
	_, err := ts.c.Upsert(context.Background(), client.Item{ID: "a", Vector: []float32{1, 2}})
	wantCode(t, err, client.CodeInternal, 500)
	var e *client.Error
	errors.As(err, &e)
	if strings.Contains(e.Message, "secret") || strings.Contains(e.Message, "fire") {
		t.Fatalf("internal detail sent to the client: %q", e.Message)
	}
	if e.RequestID == "" || !strings.Contains(e.Message, e.RequestID) {
		t.Fatalf("message %q does not name the request ID %q", e.Message, e.RequestID)
	}
	log := ts.log.String()
	if !strings.Contains(log, "disk on fire") || !strings.Contains(log, "request_id="+e.RequestID) {
		t.Fatalf("log lacks the error and request ID:\n%s", log)
	}
}

// TestOverloaded saturates a concurrency limit of 2 with requests held
// inside the model and checks that the next request gets 429 at once, that
// /healthz still answers, and that a request waiting up to QueueWait gets the
// slot freed meanwhile.
func TestOverloaded(t *testing.T) {
	for _, wait := range []time.Duration{0, 10 * time.Second} {
		t.Run(fmt.Sprint("queue wait ", wait), func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, index.KindFlat, 4)
			m := &wordModel{dim: 4, gate: make(chan struct{}), entered: make(chan struct{}, 8)}
			ts := start(t, server.Options{Index: db, Model: m, Limits: server.Limits{MaxConcurrent: 2, QueueWait: wait}})
			var wg sync.WaitGroup
			errs := make(chan error, 3)
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := ts.c.Embed(ctx, json.RawMessage(`"w"`))
					errs <- err
				}()
			}
			<-m.entered
			<-m.entered // both slots are taken
			if _, err := ts.c.Health(ctx); err != nil {
				t.Fatalf("healthz under saturation: %v", err)
			}
			if wait == 0 {
				_, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByVector([]float32{1, 2, 3, 4})})
				wantCode(t, err, client.CodeOverloaded, 429)
				text, _ := ts.c.Metrics(ctx)
				if !strings.Contains(text, "contrast_http_overloaded_total 1\n") ||
					!strings.Contains(text, `contrast_http_requests_total{code="429",route="POST /v1/search"} 1`) {
					t.Errorf("metrics do not count the 429:\n%s", text)
				}
			} else {
				wg.Add(1)
				go func() { // waits for a slot, then its own turn in the model
					defer wg.Done()
					_, err := ts.c.Embed(ctx, json.RawMessage(`"v"`))
					errs <- err
				}()
				time.Sleep(50 * time.Millisecond) // let it queue
			}
			close(m.gate)
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			// Slots are released: requests pass again.
			if _, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByVector([]float32{1, 2, 3, 4})}); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestOverloadedRetryAfter checks the 429 header on the wire.
func TestOverloadedRetryAfter(t *testing.T) {
	db := openDB(t, index.KindFlat, 4)
	m := &wordModel{dim: 4, gate: make(chan struct{}), entered: make(chan struct{}, 1)}
	ts := start(t, server.Options{Index: db, Model: m, Limits: server.Limits{MaxConcurrent: 1}})
	done := make(chan struct{})
	go func() {
		defer close(done)
		ts.c.Embed(context.Background(), json.RawMessage(`"w"`))
	}()
	<-m.entered
	resp, err := http.Post(ts.url+"/v1/search", "application/json", strings.NewReader(`{"vector":[1,2,3,4]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	close(m.gate)
	<-done
}

// TestTimeout checks that a request held past the time limit answers 503
// timeout, and that a timed-out write was not applied.
func TestTimeout(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, index.KindFlat, 4)
	m := &wordModel{dim: 4, gate: make(chan struct{})} // never opens: Embed waits for the deadline
	ts := start(t, server.Options{Index: db, Model: m, Limits: server.Limits{Timeout: 50 * time.Millisecond}})
	t0 := time.Now()
	_, err := ts.c.Embed(ctx, json.RawMessage(`"w"`))
	wantCode(t, err, client.CodeTimeout, 503)
	if d := time.Since(t0); d > 5*time.Second {
		t.Fatalf("timeout took %v", d)
	}
	_, err = ts.c.Upsert(ctx, client.Item{ID: "late", Input: json.RawMessage(`"w"`)})
	wantCode(t, err, client.CodeTimeout, 503)
	if _, err := ts.c.Get(ctx, "late"); !client.IsCode(err, client.CodeNotFound) {
		t.Fatalf("a timed-out write was applied: %v", err)
	}
	// Requests without the model are unaffected.
	if _, err := ts.c.Upsert(ctx, client.Item{ID: "v", Vector: []float32{1, 2, 3, 4}}); err != nil {
		t.Fatal(err)
	}
}

// TestNewValidates checks the constructor's refusals.
func TestNewValidates(t *testing.T) {
	db := openDB(t, index.KindFlat, 4)
	cases := []struct {
		name string
		opt  server.Options
	}{
		{"no index", server.Options{}},
		{"model dimension", server.Options{Index: db, Model: &wordModel{dim: 5}}},
		{"negative body", server.Options{Index: db, Limits: server.Limits{MaxBody: -1}}},
		{"negative batch", server.Options{Index: db, Limits: server.Limits{MaxBatch: -1}}},
		{"negative k", server.Options{Index: db, Limits: server.Limits{MaxK: -1}}},
		{"negative concurrency", server.Options{Index: db, Limits: server.Limits{MaxConcurrent: -1}}},
		{"negative queue wait", server.Options{Index: db, Limits: server.Limits{QueueWait: -1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := server.New(c.opt); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// TestConcurrentReadsAndWrites runs searches, upserts, deletes and metric
// scrapes at once (for -race) and checks the final size.
func TestConcurrentReadsAndWrites(t *testing.T) {
	ctx := context.Background()
	db := openDB(t, index.KindHNSW, 8)
	ts := start(t, server.Options{Index: db, Model: &wordModel{dim: 8}, Limits: server.Limits{MaxConcurrent: 64}})
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				id := fmt.Sprintf("w%d-%d", w, i)
				if _, err := ts.c.Upsert(ctx, client.Item{ID: id, Input: json.RawMessage(fmt.Sprintf("%q", id)), Meta: json.RawMessage(fmt.Sprintf(`{"w":%d}`, w))}); err != nil {
					errs <- err
					return
				}
				if i%5 == 4 {
					if err := ts.c.Delete(ctx, id); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				_, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByInput(json.RawMessage(fmt.Sprintf(`"q%d"`, i))), K: 5,
					Filter: &client.Filter{Field: "w", Equals: w}})
				if err != nil {
					errs <- err
					return
				}
				if i%10 == 0 {
					if _, err := ts.c.Metrics(ctx); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, _ := ts.c.Health(ctx); n != 4*20 {
		t.Fatalf("%d items, want 80", n)
	}
}
