package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The server's error codes (the "code" of an error body).
const (
	CodeBadRequest       = "bad_request"
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeTooLarge         = "too_large"
	CodeOverloaded       = "overloaded"
	CodeNotImplemented   = "not_implemented"
	CodeTimeout          = "timeout"
	CodeInternal         = "internal"
)

// Error is a non-2xx answer of the server.
type Error struct {
	Status    int    // HTTP status
	Code      string // stable error code, e.g. CodeOverloaded
	Message   string
	RequestID string // X-Request-Id, to find the server's log line
}

func (e *Error) Error() string {
	return fmt.Sprintf("contrast server: %d %s: %s", e.Status, e.Code, e.Message)
}

// IsCode reports whether err is an *Error with the given code.
func IsCode(err error, code string) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}

// Client talks to one server. It is safe for concurrent use.
type Client struct {
	base  string
	hc    *http.Client
	token string
}

// Option configures New.
type Option func(*Client)

// WithToken sends "Authorization: Bearer token" with every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient uses hc instead of the client's own (which keeps up to 256
// idle connections to the server, so that many goroutines reuse them).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// New returns a client of the server at baseURL ("http://host:port").
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(baseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("client: base URL %q: want http://HOST:PORT", baseURL)
	}
	c := &Client{base: strings.TrimRight(baseURL, "/")}
	for _, o := range opts {
		o(c)
	}
	if c.hc == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConns, t.MaxIdleConnsPerHost = 256, 256
		c.hc = &http.Client{Transport: t, Timeout: 5 * time.Minute}
	}
	return c, nil
}

// Do sends a request with a JSON body (nil for none) to path and decodes a
// 2xx answer into out (unless out is nil). Other answers are *Error.
func (c *Client) Do(ctx context.Context, method, path string, body []byte, out any) error {
	return c.do(ctx, method, path, "application/json", body, out)
}

// do is Do with a body of the given content type.
func (c *Client) do(ctx context.Context, method, path, contentType string, body []byte, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return fmt.Errorf("client: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("client: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("client: %s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		e := &Error{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id")}
		var eb struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if json.Unmarshal(b, &eb) == nil && eb.Error.Code != "" {
			e.Code, e.Message = eb.Error.Code, eb.Error.Message
		} else {
			e.Code, e.Message = "http_"+fmt.Sprint(resp.StatusCode), strings.TrimSpace(string(b))
		}
		return e
	}
	if out == nil {
		return nil
	}
	switch o := out.(type) {
	case *[]byte:
		*o = b
		return nil
	}
	if err := json.Unmarshal(b, out); err != nil {
		return fmt.Errorf("client: %s %s: decode answer: %w", method, path, err)
	}
	return nil
}

func (c *Client) doJSON(ctx context.Context, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("client: encode %s %s: %w", method, path, err)
		}
	}
	return c.Do(ctx, method, path, body, out)
}

// Embed returns the model's embeddings of raw inputs (POST /v1/embed).
func (c *Client) Embed(ctx context.Context, inputs ...json.RawMessage) ([][]float32, error) {
	var out struct {
		Embeddings [][]float32 `json:"embeddings"`
	}
	err := c.doJSON(ctx, "POST", "/v1/embed", map[string]any{"inputs": inputs}, &out)
	return out.Embeddings, err
}

// Search returns the nearest items, best first (POST /v1/search).
func (c *Client) Search(ctx context.Context, req SearchRequest) ([]Result, error) {
	var out struct {
		Results []Result `json:"results"`
	}
	err := c.doJSON(ctx, "POST", "/v1/search", req, &out)
	return out.Results, err
}

// Similarity compares two queries (POST /v1/similarity).
func (c *Client) Similarity(ctx context.Context, a, b Query) (*Similarity, error) {
	var out Similarity
	if err := c.doJSON(ctx, "POST", "/v1/similarity", map[string]Query{"a": a, "b": b}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Upsert inserts or replaces items (PUT /v1/items). It returns once the
// server has made the write durable.
func (c *Client) Upsert(ctx context.Context, items ...Item) (*UpsertResult, error) {
	var out UpsertResult
	if err := c.doJSON(ctx, "PUT", "/v1/items", map[string]any{"items": items}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Get reads a stored item (GET /v1/items/{id}).
func (c *Client) Get(ctx context.Context, id string) (*Item, error) {
	var out Item
	if err := c.doJSON(ctx, "GET", "/v1/items/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Delete removes an item (DELETE /v1/items/{id}); an unknown ID is an *Error
// with CodeNotFound.
func (c *Client) Delete(ctx context.Context, id string) error {
	return c.doJSON(ctx, "DELETE", "/v1/items/"+url.PathEscape(id), nil, nil)
}

// Recommend sends req as the body of POST /v1/recommend and decodes the
// answer into resp.
func (c *Client) Recommend(ctx context.Context, req, resp any) error {
	return c.doJSON(ctx, "POST", "/v1/recommend", req, resp)
}

// Score sends raw inputs to POST /v1/score and decodes the server's
// per-input verdicts, in order, into out: a pointer to a slice of the
// scorer's result type (threat.Verdict for a threat model). A server without
// a scorer answers an *Error with CodeNotImplemented.
func (c *Client) Score(ctx context.Context, out any, inputs ...json.RawMessage) error {
	var resp scores
	if err := c.doJSON(ctx, "POST", "/v1/score", map[string]any{"inputs": inputs}, &resp); err != nil {
		return err
	}
	return resp.decode("/v1/score", out)
}

// ScoreCapture sends a pcap or pcapng capture to POST /v1/score/capture and
// decodes the server's verdicts, one per connection in order of their first
// packets, into out: a pointer to a slice of the scorer's result type
// (threat.FlowVerdict for a threat model). A server whose scorer reads no
// captures answers an *Error with CodeNotImplemented.
func (c *Client) ScoreCapture(ctx context.Context, out any, capture []byte) error {
	var resp scores
	if err := c.do(ctx, "POST", "/v1/score/capture", "application/vnd.tcpdump.pcap", capture, &resp); err != nil {
		return err
	}
	return resp.decode("/v1/score/capture", out)
}

// scores is the answer of the scoring routes.
type scores struct {
	Scores json.RawMessage `json:"scores"`
}

func (s scores) decode(path string, out any) error {
	if err := json.Unmarshal(s.Scores, out); err != nil {
		return fmt.Errorf("client: decode POST %s: %w", path, err)
	}
	return nil
}

// Info describes the server's index, model and limits (GET /v1/info).
func (c *Client) Info(ctx context.Context) (*Info, error) {
	var out Info
	if err := c.doJSON(ctx, "GET", "/v1/info", nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Health checks GET /healthz and returns the index size.
func (c *Client) Health(ctx context.Context) (items int, err error) {
	var out struct {
		Status string `json:"status"`
		Items  int    `json:"items"`
	}
	if err := c.doJSON(ctx, "GET", "/healthz", nil, &out); err != nil {
		return 0, err
	}
	if out.Status != "ok" {
		return 0, fmt.Errorf("client: health status %q", out.Status)
	}
	return out.Items, nil
}

// Metrics returns the Prometheus text exposition of GET /metrics.
func (c *Client) Metrics(ctx context.Context) (string, error) {
	var b []byte
	err := c.Do(ctx, "GET", "/metrics", nil, &b)
	return string(b), err
}

// OpenAPI returns the server's OpenAPI document (GET /openapi.yaml).
func (c *Client) OpenAPI(ctx context.Context) ([]byte, error) {
	var b []byte
	err := c.Do(ctx, "GET", "/openapi.yaml", nil, &b)
	return b, err
}
