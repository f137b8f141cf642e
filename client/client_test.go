package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrors checks how answers other than 2xx become *Error: the JSON
// error body when there is one, the status and raw text otherwise.
func TestErrors(t *testing.T) {
	cases := []struct {
		name        string
		status      int
		body        string
		code, msg   string
		wantRequest string
	}{
		{"json error", 429, `{"error":{"code":"overloaded","message":"busy"}}`, CodeOverloaded, "busy", "7"},
		{"plain text", 502, "bad gateway\n", "http_502", "bad gateway", "7"},
		{"json without code", 500, `{"oops":1}`, "http_500", `{"oops":1}`, "7"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "Bearer tok" {
					t.Errorf("Authorization %q", r.Header.Get("Authorization"))
				}
				w.Header().Set("X-Request-Id", "7")
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer hs.Close()
			cl, err := New(hs.URL, WithToken("tok"))
			if err != nil {
				t.Fatal(err)
			}
			_, err = cl.Info(context.Background())
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if e.Status != c.status || e.Code != c.code || e.Message != c.msg || e.RequestID != c.wantRequest {
				t.Fatalf("got %+v", e)
			}
			if !IsCode(err, c.code) || IsCode(err, "other") {
				t.Fatal("IsCode disagrees")
			}
		})
	}
}

func TestNewRejectsBadURLs(t *testing.T) {
	for _, u := range []string{"", "127.0.0.1:8080", "ftp://x", "http://", "://"} {
		t.Run(u, func(t *testing.T) {
			if _, err := New(u); err == nil {
				t.Fatal("no error")
			}
		})
	}
}

// TestPathEscaping checks that IDs reach the server as one path segment.
func TestPathEscaping(t *testing.T) {
	var got string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.EscapedPath()
		w.Write([]byte(`{"id":"x"}`))
	}))
	defer hs.Close()
	cl, _ := New(hs.URL + "/")
	if _, err := cl.Get(context.Background(), "a/b c?d"); err != nil {
		t.Fatal(err)
	}
	if got != "/v1/items/a%2Fb%20c%3Fd" {
		t.Fatalf("path %q", got)
	}
}

// TestScore checks the request body and the decoding of the verdicts.
func TestScore(t *testing.T) {
	var body string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = r.Method + " " + r.URL.Path + " " + string(b)
		w.Write([]byte(`{"scores":[{"anomaly":0.5,"is_attack":true},{"anomaly":0.1,"is_attack":false}]}`))
	}))
	defer hs.Close()
	cl, _ := New(hs.URL)
	var got []struct {
		Anomaly  float64 `json:"anomaly"`
		IsAttack bool    `json:"is_attack"`
	}
	if err := cl.Score(context.Background(), &got, json.RawMessage(`{"a":1}`), json.RawMessage(`{"a":2}`)); err != nil {
		t.Fatal(err)
	}
	if want := `POST /v1/score {"inputs":[{"a":1},{"a":2}]}`; body != want {
		t.Errorf("request %q, want %q", body, want)
	}
	if len(got) != 2 || got[0].Anomaly != 0.5 || !got[0].IsAttack || got[1].IsAttack {
		t.Errorf("decoded %+v", got)
	}
	var wrong int
	if err := cl.Score(context.Background(), &wrong, json.RawMessage(`{}`)); err == nil || !strings.Contains(err.Error(), "/v1/score") {
		t.Errorf("decoding into the wrong type: error %v", err)
	}
}

// TestInfoScorer checks that the client sees whether /v1/score answers.
func TestInfoScorer(t *testing.T) {
	for _, want := range []bool{true, false} {
		hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `{"index":{"kind":"flat","dim":3},"scorer":%v,"capture_scorer":%v}`, want, want)
		}))
		cl, _ := New(hs.URL)
		info, err := cl.Info(context.Background())
		hs.Close()
		if err != nil {
			t.Fatal(err)
		}
		if info.Scorer != want || info.CaptureScorer != want {
			t.Errorf("server says scorer and capture_scorer %v, client read %v and %v", want, info.Scorer, info.CaptureScorer)
		}
	}
}

// TestScoreCapture checks that the capture goes as the raw body, typed as a
// pcap, and the decoding of the verdicts.
func TestScoreCapture(t *testing.T) {
	var got string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = r.Method + " " + r.URL.Path + " " + r.Header.Get("Content-Type") + " " + string(b)
		w.Write([]byte(`{"scores":[{"flow":{"service":"http"},"anomaly":0.2},{"flow":{"service":"domain_u"},"anomaly":0.4}]}`))
	}))
	defer hs.Close()
	cl, _ := New(hs.URL)
	var verdicts []struct {
		Flow    struct{ Service string } `json:"flow"`
		Anomaly float64                  `json:"anomaly"`
	}
	if err := cl.ScoreCapture(context.Background(), &verdicts, []byte("\xd4\xc3\xb2\xa1rest")); err != nil {
		t.Fatal(err)
	}
	if want := "POST /v1/score/capture application/vnd.tcpdump.pcap \xd4\xc3\xb2\xa1rest"; got != want {
		t.Errorf("request %q, want %q", got, want)
	}
	if len(verdicts) != 2 || verdicts[0].Flow.Service != "http" || verdicts[1].Anomaly != 0.4 {
		t.Errorf("decoded %+v", verdicts)
	}
}
