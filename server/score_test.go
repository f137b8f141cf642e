package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
)

// squareScorer is a test Scorer: each input must be a JSON number x >= 0,
// judged {"x": x, "square": x*x, "big": x*x > 10}. An input of 13 makes it
// return one result too few (a broken scorer); 99 an internal error.
type squareScorer struct{}

type square struct {
	X      float64 `json:"x"`
	Square float64 `json:"square"`
	Big    bool    `json:"big"`
}

func (squareScorer) Score(ctx context.Context, inputs []json.RawMessage) ([]any, error) {
	out := make([]any, 0, len(inputs))
	for i, in := range inputs {
		var x float64
		if err := json.Unmarshal(in, &x); err != nil || x < 0 {
			return nil, fmt.Errorf("%w: input %d: want a number >= 0", server.ErrBadInput, i)
		}
		switch x {
		case 13:
			continue
		case 99:
			return nil, fmt.Errorf("scorer: /private/state corrupt")
		}
		out = append(out, square{X: x, Square: x * x, Big: x*x > 10})
	}
	return out, ctx.Err()
}

// scoringModel is a Model that also scores: the server must find its
// Scorer without Options.Scorer.
type scoringModel struct {
	*wordModel
	squareScorer
}

// post sends body to path and returns the status and the decoded JSON body.
func post(t *testing.T, url, path, body string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Post(url+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: body %q is not a JSON object: %v", path, b, err)
	}
	return resp.StatusCode, v
}

// TestScoreEndpoint checks POST /v1/score: results in order, the limits, bad JSON,
// an input the scorer rejects (400 naming it), a broken scorer (500, detail
// logged only), 501 without a scorer, and the scorer found on the Model.
func TestScoreEndpoint(t *testing.T) {
	const dim = 4
	db := openDB(t, index.KindFlat, dim)
	lim := server.Limits{MaxBody: 500, MaxBatch: 3}
	scorer := start(t, server.Options{Index: db, Scorer: squareScorer{}, Limits: lim})
	viaModel := start(t, server.Options{Index: db, Model: scoringModel{wordModel: &wordModel{dim: dim}}, Limits: lim})
	plain := start(t, server.Options{Index: db, Model: &wordModel{dim: dim}, Limits: lim})

	for _, ts := range []*testServer{scorer, viaModel} {
		status, v := post(t, ts.url, "/v1/score", `{"inputs":[3, 0.5, 4]}`)
		want := map[string]any{"scores": []any{
			map[string]any{"x": 3.0, "square": 9.0, "big": false},
			map[string]any{"x": 0.5, "square": 0.25, "big": false},
			map[string]any{"x": 4.0, "square": 16.0, "big": true},
		}}
		if status != 200 || !reflect.DeepEqual(v, want) {
			t.Fatalf("score: %d %v, want 200 %v", status, v, want)
		}
	}
	for _, c := range []struct {
		ts     *testServer
		want   bool
		prefix string
	}{{scorer, true, "scorer"}, {viaModel, true, "model"}, {plain, false, "plain"}} {
		if got := infoFlag(t, c.ts, "scorer"); got != c.want {
			t.Errorf("%s: /v1/info scorer = %v, want %v", c.prefix, got, c.want)
		}
	}

	cases := []errorCase{
		{"no scorer", plain, `{"inputs":[1]}`, 501, "not_implemented", "scorer"},
		{"bad JSON", scorer, `{"inputs":[1,`, 400, "bad_request", "invalid JSON"},
		{"empty body", scorer, ``, 400, "bad_request", "empty"},
		{"unknown field", scorer, `{"inputs":[1],"records":[2]}`, 400, "bad_request", "records"},
		{"inputs not a list", scorer, `{"inputs":{"a":1}}`, 400, "bad_request", "inputs"},
		{"empty list", scorer, `{"inputs":[]}`, 400, "bad_request", "empty"},
		{"missing inputs", scorer, `{}`, 400, "bad_request", "inputs"},
		{"null input", scorer, `{"inputs":[1,null]}`, 400, "bad_request", "inputs[1]"},
		{"NaN", scorer, `{"inputs":[NaN]}`, 400, "bad_request", "invalid JSON"},
		{"too many", scorer, `{"inputs":[1,2,3,4]}`, 413, "too_large", "batch limit of 3"},
		{"body too large", scorer, `{"inputs":[` + strings.Repeat(" ", 600) + `1]}`, 413, "too_large", "500"},
		{"rejected input", scorer, `{"inputs":[1,2,"x"]}`, 400, "bad_request", "input 2"},
		{"rejected input via model", viaModel, `{"inputs":[-1]}`, 400, "bad_request", "input 0"},
		{"scorer drops a result", scorer, `{"inputs":[1,13]}`, 500, "internal", "request"},
		{"scorer fails", scorer, `{"inputs":[99]}`, 500, "internal", "request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantError(t, c.ts, "/v1/score", c.body, c.status, c.code, c.mention) })
	}
	if log := scorer.log.String(); !strings.Contains(log, "/private/state corrupt") || !strings.Contains(log, "2 inputs") {
		t.Errorf("internal errors not logged:\n%s", log)
	}
}

// lineScorer is a test Scorer and CaptureScorer: a "capture" is lines of
// text, one result per line; a capture starting with "bad" is rejected, one
// starting with "oops" fails inside.
type lineScorer struct{ squareScorer }

func (lineScorer) ScoreCapture(ctx context.Context, capture []byte, limit int) ([]any, error) {
	s := string(capture)
	if n := strings.Count(strings.TrimSpace(s), "\n") + 1; n > limit {
		return nil, &server.Error{Code: server.CodeTooLarge, Message: fmt.Sprintf("%d lines, more than %d", n, limit)}
	}
	switch {
	case strings.HasPrefix(s, "bad"):
		return nil, fmt.Errorf("%w: capture: bad magic", server.ErrBadInput)
	case strings.HasPrefix(s, "oops"):
		return nil, fmt.Errorf("reader: /private/state corrupt")
	}
	var out []any
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, map[string]any{"line": l})
	}
	return out, ctx.Err()
}

// TestScoreCaptureEndpoint checks POST /v1/score/capture: the raw body
// passed to the CaptureScorer (the Scorer, found on the Model too), its
// results in order, /v1/info's capture_scorer, 501 for a scorer that reads no
// captures, and the errors.
func TestScoreCaptureEndpoint(t *testing.T) {
	const dim = 4
	db := openDB(t, index.KindFlat, dim)
	lim := server.Limits{MaxBody: 500, MaxBatch: 3}
	capture := start(t, server.Options{Index: db, Scorer: lineScorer{}, Limits: lim})
	viaModel := start(t, server.Options{Index: db, Model: struct {
		*wordModel
		lineScorer
	}{&wordModel{dim: dim}, lineScorer{}}, Limits: lim})
	recordsOnly := start(t, server.Options{Index: db, Scorer: squareScorer{}, Limits: lim})

	for _, ts := range []*testServer{capture, viaModel} {
		status, v := post(t, ts.url, "/v1/score/capture", "a\nb\n")
		want := map[string]any{"scores": []any{map[string]any{"line": "a"}, map[string]any{"line": "b"}}}
		if status != 200 || !reflect.DeepEqual(v, want) {
			t.Fatalf("score capture: %d %v, want 200 %v", status, v, want)
		}
	}
	for _, c := range []struct {
		ts   *testServer
		want bool
	}{{capture, true}, {viaModel, true}, {recordsOnly, false}} {
		if got := infoFlag(t, c.ts, "capture_scorer"); got != c.want {
			t.Errorf("/v1/info capture_scorer = %v, want %v", got, c.want)
		}
	}
	for _, c := range []errorCase{
		{"no capture scorer", recordsOnly, "a", 501, "not_implemented", "packet captures"},
		{"empty body", capture, "", 400, "bad_request", "empty body"},
		{"rejected capture", capture, "bad", 400, "bad_request", "bad magic"},
		{"scorer fails", capture, "oops", 500, "internal", "request"},
		{"body too large", capture, strings.Repeat("a\n", 300), 413, "too_large", "500"},
		{"too many connections", capture, "a\nb\nc\nd", 413, "too_large", "more than 3"},
	} {
		t.Run(c.name, func(t *testing.T) { wantError(t, c.ts, "/v1/score/capture", c.body, c.status, c.code, c.mention) })
	}
}

// infoFlag reads a boolean field of ts's GET /v1/info.
func infoFlag(t *testing.T, ts *testServer, field string) bool {
	t.Helper()
	resp, err := http.Get(ts.url + "/v1/info")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var info map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		t.Fatal(err)
	}
	b, _ := info[field].(bool)
	return b
}

// errorCase is a request that must be answered with an error (see
// wantError).
type errorCase struct {
	name    string
	ts      *testServer
	body    string
	status  int
	code    string
	mention string
}

// wantError posts body to path and checks the error answer: its status,
// code and a mention in its message, which must not leak internal detail.
func wantError(t *testing.T, ts *testServer, path, body string, status int, code, mention string) {
	t.Helper()
	got, v := post(t, ts.url, path, body)
	e, _ := v["error"].(map[string]any)
	msg, _ := e["message"].(string)
	if got != status || e["code"] != code || !strings.Contains(msg, mention) {
		t.Fatalf("got %d %v, want %d %s mentioning %q", got, v, status, code, mention)
	}
	if strings.Contains(msg, "private") {
		t.Fatalf("internal detail sent: %q", msg)
	}
}
