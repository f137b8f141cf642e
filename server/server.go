package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

//go:embed openapi.yaml
var openAPI []byte

// OpenAPI returns the OpenAPI 3 description of the API (served at GET
// /openapi.yaml).
func OpenAPI() []byte { return append([]byte(nil), openAPI...) }

// Server is the HTTP API over an index and an optional model; it is an
// http.Handler. Create it with New.
type Server struct {
	st      Store
	model   Model
	rec     Recommender
	scorer  Scorer
	capture CaptureScorer
	lim     Limits
	log     *slog.Logger
	reg     *prometheus.Registry
	met     *metrics
	token   [sha256.Size]byte
	auth    bool
	authAll bool

	sem    chan struct{}
	writes coalescer
	mux    *http.ServeMux
	paths  *http.ServeMux // path patterns only, to tell 405 from 404
	allow  map[string][]string
	reqID  atomic.Uint64
}

// apiFunc is a JSON endpoint: it gets the request (with its deadline) and
// its body (read within the size limit, nil for GET and DELETE) and returns
// the value to encode or an error.
type apiFunc func(r *http.Request, body []byte) (any, error)

// route is one endpoint of the API.
type route struct {
	method, path string
	write        bool // needs the token when one is set
	fn           apiFunc
	raw          http.Handler // non-JSON endpoints: no limits, no auth
}

// New validates the options and returns the server.
func New(opt Options) (*Server, error) {
	if opt.Index == nil {
		return nil, errors.New("server: Options.Index is required")
	}
	lim, err := opt.Limits.withDefaults()
	if err != nil {
		return nil, err
	}
	if opt.Model != nil {
		if d := opt.Model.Info().Dim; d != opt.Index.Dim() {
			return nil, fmt.Errorf("server: model %q embeds in dimension %d, index has dimension %d", opt.Model.Info().Name, d, opt.Index.Dim())
		}
	}
	s := &Server{st: opt.Index, model: opt.Model, rec: opt.Recommender, lim: lim, log: opt.Logger, reg: opt.Registry,
		sem: make(chan struct{}, lim.MaxConcurrent), mux: http.NewServeMux(), paths: http.NewServeMux(), allow: map[string][]string{}}
	if s.scorer = opt.Scorer; s.scorer == nil {
		s.scorer, _ = opt.Model.(Scorer)
	}
	s.capture, _ = s.scorer.(CaptureScorer)
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.reg == nil {
		s.reg = prometheus.NewRegistry()
	}
	if opt.Token != "" {
		s.auth, s.authAll, s.token = true, opt.AuthReads, sha256.Sum256([]byte(opt.Token))
	}
	if s.met, err = newMetrics(s.reg, s.st); err != nil {
		return nil, fmt.Errorf("server: register metrics: %w", err)
	}
	for _, rt := range s.routes() {
		s.handle(rt)
	}
	s.mux.Handle("/", s.instrument("other", http.HandlerFunc(s.unmatched)))
	return s, nil
}

func (s *Server) routes() []route {
	return []route{
		{method: "POST", path: "/v1/embed", fn: s.embed},
		{method: "POST", path: "/v1/search", fn: s.search},
		{method: "POST", path: "/v1/similarity", fn: s.similarity},
		{method: "PUT", path: "/v1/items", fn: s.upsert, write: true},
		{method: "GET", path: "/v1/items/{id}", fn: s.getItem},
		{method: "DELETE", path: "/v1/items/{id}", fn: s.deleteItem, write: true},
		{method: "POST", path: "/v1/recommend", fn: s.recommend},
		{method: "POST", path: "/v1/score", fn: s.score},
		{method: "POST", path: "/v1/score/capture", fn: s.scoreCapture},
		{method: "GET", path: "/v1/info", fn: s.info},
		{method: "GET", path: "/healthz", raw: http.HandlerFunc(s.healthz)},
		{method: "GET", path: "/metrics", raw: promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{})},
		{method: "GET", path: "/openapi.yaml", raw: http.HandlerFunc(serveOpenAPI)},
	}
}

func (s *Server) handle(rt route) {
	pattern := rt.method + " " + rt.path
	h := rt.raw
	if h == nil {
		h = s.api(rt)
	}
	s.mux.Handle(pattern, s.instrument(pattern, h))
	if _, ok := s.allow[rt.path]; !ok {
		s.paths.Handle(rt.path, http.NotFoundHandler())
	}
	s.allow[rt.path] = append(s.allow[rt.path], rt.method)
}

// ServeHTTP serves the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// unmatched answers requests that match no route: 405 when the path exists
// with another method, 404 otherwise.
func (s *Server) unmatched(w http.ResponseWriter, r *http.Request) {
	if _, pattern := s.paths.Handler(r); pattern != "" {
		if methods := s.allow[pattern]; methods != nil {
			w.Header().Set("Allow", strings.Join(methods, ", "))
			s.writeError(w, r, errorf(CodeMethodNotAllowed, "%s is not allowed on %s (allowed: %s)", r.Method, r.URL.Path, strings.Join(methods, ", ")))
			return
		}
	}
	s.writeError(w, r, errorf(CodeNotFound, "no route for %s %s", r.Method, r.URL.Path))
}

// statusWriter records the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// instrument counts requests, observes their latency and tracks those in
// flight, and gives each a request ID (X-Request-Id).
func (s *Server) instrument(route string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t0 := time.Now()
		s.met.inFlight.Inc()
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set("X-Request-Id", strconv.FormatUint(s.reqID.Add(1), 10))
		defer func() {
			s.met.inFlight.Dec()
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			s.met.observe(route, sw.status, time.Since(t0).Seconds())
		}()
		h.ServeHTTP(sw, r)
	})
}

// api wraps a JSON endpoint with auth, the concurrency limit, the time limit
// and the body limit, and encodes its result or error.
func (s *Server) api(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.auth && (rt.write || s.authAll) && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="contrast"`)
			s.writeError(w, r, errorf(CodeUnauthorized, "missing or wrong bearer token"))
			return
		}
		if !s.acquire(r.Context()) {
			s.met.rejected.Inc()
			w.Header().Set("Retry-After", "1")
			s.writeError(w, r, errorf(CodeOverloaded, "server is at its limit of %d concurrent requests; retry later", s.lim.MaxConcurrent))
			return
		}
		defer func() { <-s.sem }()
		ctx, cancel := context.WithTimeout(r.Context(), s.lim.Timeout)
		defer cancel()
		r = r.WithContext(ctx)
		var body []byte
		if r.Method == http.MethodPost || r.Method == http.MethodPut {
			var err error
			if body, err = s.readBody(w, r); err != nil {
				s.writeError(w, r, err)
				return
			}
		}
		v, err := rt.fn(r, body)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.writeJSON(w, r, http.StatusOK, v)
	})
}

// acquire takes a concurrency slot, waiting at most QueueWait.
func (s *Server) acquire(ctx context.Context) bool {
	select {
	case s.sem <- struct{}{}:
		return true
	default:
	}
	if s.lim.QueueWait <= 0 {
		return false
	}
	t := time.NewTimer(s.lim.QueueWait)
	defer t.Stop()
	select {
	case s.sem <- struct{}{}:
		return true
	case <-t.C:
	case <-ctx.Done():
	}
	return false
}

// authorized compares the bearer token in constant time (of hashes, so that
// the token's length does not leak either).
func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	const prefix = "Bearer "
	if len(h) < len(prefix) || !strings.EqualFold(h[:len(prefix)], prefix) {
		return false
	}
	got := sha256.Sum256([]byte(strings.TrimSpace(h[len(prefix):])))
	return subtle.ConstantTimeCompare(got[:], s.token[:]) == 1
}

func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > s.lim.MaxBody {
		return nil, errorf(CodeTooLarge, "request body of %d bytes exceeds the limit of %d", r.ContentLength, s.lim.MaxBody)
	}
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.lim.MaxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, errorf(CodeTooLarge, "request body exceeds the limit of %d bytes", s.lim.MaxBody)
	case err != nil:
		return nil, errorf(CodeBadRequest, "reading the request body: %v", err)
	}
	return b, nil
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		s.writeError(w, r, fmt.Errorf("encode response: %w", err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// writeError sends err as a JSON error; internal errors are logged with the
// request ID and answered with a generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	e, internal := classify(err)
	if internal {
		s.log.Error("internal error", "request_id", w.Header().Get("X-Request-Id"), "method", r.Method, "path", r.URL.Path, "err", err)
		e = &Error{Code: CodeInternal, Message: "internal error; see the server log for request " + w.Header().Get("X-Request-Id")}
	}
	b, _ := json.Marshal(errorBody{Error: errorDetail{Code: e.Code.String(), Message: e.Message}})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(e.Code.Status())
	w.Write(append(b, '\n'))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, r, http.StatusOK, map[string]any{"status": "ok", "items": s.st.Len()})
}

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/yaml")
	w.Write(openAPI)
}
