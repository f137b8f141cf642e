package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"

	"github.com/contrast-ml/contrast/client"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/server"
)

// wordModel is a test Model: each input is a JSON string, embedded as a
// pseudo-random vector seeded by its hash (wordVec). While gate is not nil,
// Embed waits for it (or for the request's deadline).
type wordModel struct {
	dim     int
	gate    chan struct{}
	entered chan struct{} // receives a value when Embed starts waiting
}

func (m *wordModel) Info() server.ModelInfo {
	return server.ModelInfo{Name: "words", Modality: "text", Dim: m.dim, Input: "a JSON string"}
}

func (m *wordModel) Embed(ctx context.Context, inputs []json.RawMessage) ([][]float32, error) {
	if m.gate != nil {
		if m.entered != nil {
			m.entered <- struct{}{}
		}
		select {
		case <-m.gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	out := make([][]float32, len(inputs))
	for i, in := range inputs {
		var s string
		if err := json.Unmarshal(in, &s); err != nil {
			return nil, &server.InputError{Index: i, Err: errors.New("want a string")}
		}
		out[i] = wordVec(s, m.dim)
	}
	return out, nil
}

// verifyingModel adds a Verifier: same when the words' vectors are within
// distance 1.
type verifyingModel struct{ *wordModel }

func (m verifyingModel) Verify(_ context.Context, a, b json.RawMessage) (server.Verdict, error) {
	var sa, sb string
	if json.Unmarshal(a, &sa) != nil || json.Unmarshal(b, &sb) != nil {
		return server.Verdict{}, fmt.Errorf("%w: want strings", server.ErrBadInput)
	}
	d := euclid(wordVec(sa, m.dim), wordVec(sb, m.dim))
	return server.Verdict{Same: d <= 1, Distance: d, Threshold: 1}, nil
}

func wordVec(s string, dim int) []float32 {
	h := fnv.New64a()
	h.Write([]byte(s))
	rng := rand.New(rand.NewPCG(h.Sum64(), 1))
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func randVec(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func euclid(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i]) - float64(b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

// cosine is the test's own cosine, independent of server.Score.
func cosine(a, b []float32) float64 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	return dot / math.Sqrt(na*nb)
}

func unit(v []float32) []float32 {
	n := 0.0
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) / math.Sqrt(n))
	}
	return out
}

// naiveSearch ranks the items by cosine to q with a plain loop, skipping
// exclude and items that keep rejects.
func naiveSearch(items map[string][]float32, q []float32, k int, exclude string, keep func(id string) bool) []client.Result {
	var res []client.Result
	for id, v := range items {
		if id == exclude || (keep != nil && !keep(id)) {
			continue
		}
		res = append(res, client.Result{ID: id, Score: float32(cosine(q, v))})
	}
	sort.Slice(res, func(i, j int) bool { return res[i].Score > res[j].Score })
	if len(res) > k {
		res = res[:k]
	}
	return res
}

func openDB(t testing.TB, kind index.Kind, dim int) *index.DB {
	t.Helper()
	db, err := index.Open(t.TempDir(), index.Options{Kind: kind, Config: index.Config{Dim: dim, Metric: index.Cosine}, Sync: index.SyncGroup})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer starts opt's server on an httptest loopback listener.
type testServer struct {
	*server.Server
	c   *client.Client
	url string
	log *syncBuffer
}

func start(t testing.TB, opt server.Options, copts ...client.Option) *testServer {
	t.Helper()
	ts := &testServer{log: &syncBuffer{}}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(ts.log, nil))
	}
	s, err := server.New(opt)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	t.Cleanup(hs.Close)
	c, err := client.New(hs.URL, copts...)
	if err != nil {
		t.Fatal(err)
	}
	ts.Server, ts.c, ts.url = s, c, hs.URL
	return ts
}

// wantCode checks that err is a client error with the code and status.
func wantCode(t testing.TB, err error, code string, status int) {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v, want a %s (%d) answer", err, code, status)
	}
	if e.Code != code || e.Status != status {
		t.Fatalf("got %d %s (%s), want %d %s", e.Status, e.Code, e.Message, status, code)
	}
}
