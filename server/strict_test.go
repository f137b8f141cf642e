package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
)

// send sends body to path with method (and the token "tok") and returns the
// status and the error message of the answer ("" for a success).
func send(t *testing.T, ts *testServer, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, ts.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var eb struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(b, &eb); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", method, path, b, err)
	}
	return resp.StatusCode, eb.Error.Message
}

// TestStrictBodies checks that every JSON endpoint refuses what
// encoding/json alone lets through: a key given twice (the last would win),
// a key that matches a field only when case is ignored, a null body. The
// 400 names the key as the request spells it.
func TestStrictBodies(t *testing.T) {
	const dim = 4
	db := openDB(t, index.KindFlat, dim)
	if err := db.Upsert(index.Item{ID: "0", Vector: []float32{1, 0, 0, 0}}, index.Item{ID: "5", Vector: []float32{0, 1, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	ts := start(t, server.Options{Index: db, Model: &wordModel{dim: dim}, Recommender: echoRecommender{}, Scorer: squareScorer{}, Token: "tok"})
	for _, c := range []struct{ method, path, body, mention string }{
		{"POST", "/v1/search", `{"id":"0","k":1,"id":"5"}`, `field "id" appears twice`},
		{"POST", "/v1/search", `{"id":"0","k":1,"K":2}`, `unknown field "K" (field names are case-sensitive: did you mean "k"?)`},
		{"POST", "/v1/search", `{"ID":"0"}`, `did you mean "id"?`},
		{"POST", "/v1/search", `{"vector":[1,0,0,0],"filter":{"field":"g","equals":1,"field":"h"}}`, `field "filter.field" appears twice`},
		{"POST", "/v1/search", `null`, "null"},
		{"POST", "/v1/search", `{"vector":[1,0,0,0],"filter":{"Field":"g","equals":1}}`, `filter: want {"field": NAME, "equals": VALUE}: unknown field "Field"`},
		{"POST", "/v1/search", `{"vector":[1,0,0,0],"filter":{"field":"g","equals":1,"or":2}}`, `unknown field "or"`},
		{"POST", "/v1/similarity", `{"a":{"id":"0","id":"5"},"b":{"id":"0"}}`, `field "a.id" appears twice`},
		{"POST", "/v1/similarity", `{"a":{"id":"0"},"B":{"id":"0"}}`, `did you mean "b"?`},
		{"POST", "/v1/embed", `{"inputs":["a"],"inputs":["b"]}`, `field "inputs" appears twice`},
		{"POST", "/v1/embed", `{"Inputs":["a"]}`, `did you mean "inputs"?`},
		{"PUT", "/v1/items", `{"items":[{"id":"x","vector":[1,0,0,0],"id":"y"}]}`, `field "items[0].id" appears twice`},
		{"PUT", "/v1/items", `{"items":[{"id":"x","vector":[1,0,0,0]},{"id":"y","Vector":[1,0,0,0]}]}`, `unknown field "items[1].Vector"`},
		{"PUT", "/v1/items", `{"items":[{"id":"x","vector":[1,0,0,0],"meta":{"g":1,"g":2}}]}`, `field "items[0].meta.g" appears twice`},
		{"PUT", "/v1/items", `null`, "null"},
		{"POST", "/v1/score", `{"inputs":[1],"inputs":[2]}`, `field "inputs" appears twice`},
		{"POST", "/v1/recommend", `null`, "null"},
		{"POST", "/v1/recommend", ` `, "empty"},
		{"POST", "/v1/recommend", `{"user":"a","user":"b"}`, `field "user" appears twice`},
		{"POST", "/v1/recommend", `{"user":"a"} {}`, "data after"},
		{"POST", "/v1/recommend", `[{"user":"a"}]`, "array"},
	} {
		status, msg := send(t, ts, c.method, c.path, c.body)
		if status != 400 || !strings.Contains(msg, c.mention) {
			t.Errorf("%s %s %s: %d %q, want 400 mentioning %q", c.method, c.path, c.body, status, msg, c.mention)
		}
	}
	if db.Len() != 2 {
		t.Fatalf("index has %d items after rejected writes, want 2", db.Len())
	}
	if status, msg := send(t, ts, "POST", "/v1/recommend", `{"user":"a"}`); status != 200 {
		t.Fatalf("recommend: %d %s", status, msg)
	}
}

// TestInputErrorsNameTheField checks that a model's error about an input
// names the input as the request spells it, whatever its position among
// the inputs the model was passed.
func TestInputErrorsNameTheField(t *testing.T) {
	const dim = 4
	db := openDB(t, index.KindFlat, dim)
	if err := db.Upsert(index.Item{ID: "0", Vector: []float32{1, 0, 0, 0}}); err != nil {
		t.Fatal(err)
	}
	ts := start(t, server.Options{Index: db, Model: verifyingModel{&wordModel{dim: dim}}, Token: "tok"})
	for _, c := range []struct{ method, path, body, mention string }{
		{"POST", "/v1/embed", `{"inputs":["a",42]}`, "inputs[1]: want a string"},
		{"POST", "/v1/search", `{"input":42}`, "input: want a string"},
		{"POST", "/v1/similarity", `{"a":{"id":"0"},"b":{"input":42}}`, "b.input: want a string"},
		{"PUT", "/v1/items", `{"items":[{"id":"v","vector":[1,0,0,0]},{"id":"w","input":"ok"},{"id":"x","input":42}]}`, "items[2].input: want a string"},
	} {
		status, msg := send(t, ts, c.method, c.path, c.body)
		if status != 400 || !strings.HasPrefix(msg, c.mention) {
			t.Errorf("%s %s %s: %d %q, want 400 starting %q", c.method, c.path, c.body, status, msg, c.mention)
		}
	}
	if db.Len() != 1 {
		t.Fatalf("index has %d items after rejected writes, want 1", db.Len())
	}
}
