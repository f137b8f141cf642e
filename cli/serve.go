package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/recommend"
	"github.com/contrast-ml/contrast/server"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/spf13/cobra"
)

// serveFlags are the flags of contrast serve.
type serveFlags struct {
	model, indexDir, addr, tokenFile string
	recommender                      string
	lim                              server.Limits
	authReads                        bool
	kind, metric, sync               string
	dim                              int
	compactBytes                     int64
	compactOnExit                    bool
	shutdown                         time.Duration
}

func newServeCmd() *cobra.Command {
	var sf serveFlags
	cmd := &cobra.Command{
		Use:   "serve [--index DIR] [--model DIR] [--addr HOST:PORT] [flags]",
		Short: "Serve embedding, similarity search and scoring as a JSON HTTP API",
		Long: `serve answers the HTTP API of package server (described by GET /openapi.yaml):
embed, search (by vector, stored ID or raw input, with a metadata filter), similarity,
PUT/DELETE /v1/items, score (threat models), /v1/info, /healthz and Prometheus /metrics.

--index is an index directory (contrast index build writes one); when it does not exist
it is created empty with --kind, --metric and the model's dimension (or --dim). Writes
are acknowledged only once they are fsynced in the index's log (--sync group shares one
fsync among concurrent writers). Without --index, a --model is served alone: embed,
similarity and score work, searches find nothing, items by ID are not found (404) and
writes answer 501; --metric then sets the metric of similarity and search scores. --model is a run directory of
contrast train; without it, requests must carry vectors or IDs. A threat run (task: threat) takes connection
records, JSON objects of NSL-KDD's features by name, and also answers POST /v1/score
with each record's anomaly score, calibrated threshold, attack verdict and category
probabilities. --recommender is a run directory of a recommend model (contrast train
with a recommend config) that answers POST /v1/recommend; it needs neither --index nor
--model.

SIGINT or SIGTERM stops accepting connections, finishes the requests in flight (up to
--shutdown-timeout), compacts the index (--compact-on-exit) and closes it.`,
		Example: `  contrast serve --model runs/simclr --index idx/mnist --addr 127.0.0.1:8080
  contrast serve --index idx/vectors --dim 128 --metric cosine --token-file token.txt
  contrast serve --model runs/nslkdd --index idx/flows --metric cosine
  contrast serve --model runs/nslkdd`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), cmd, sf, nil)
		},
	}
	f := cmd.Flags()
	f.StringVar(&sf.model, "model", "", "run directory of contrast train (optional: embeds raw inputs)")
	f.StringVar(&sf.indexDir, "index", "", "index directory (created when missing; optional with --model or --recommender)")
	f.StringVar(&sf.recommender, "recommender", "", "run directory of a recommend model: answers POST /v1/recommend")
	f.StringVar(&sf.addr, "addr", "127.0.0.1:8080", "listen address HOST:PORT (port 0 picks a free one)")
	f.StringVar(&sf.tokenFile, "token-file", "", "file holding the bearer token that writes must carry")
	f.BoolVar(&sf.authReads, "auth-reads", false, "require the token for every /v1 request, not only writes")
	f.Int64Var(&sf.lim.MaxBody, "max-body", server.DefaultMaxBody, "largest request body in bytes")
	f.IntVar(&sf.lim.MaxBatch, "max-batch", server.DefaultMaxBatch, "most inputs or items in one request")
	f.IntVar(&sf.lim.MaxK, "max-k", server.DefaultMaxK, "largest k of a search")
	f.DurationVar(&sf.lim.Timeout, "timeout", server.DefaultTimeout, "time limit of one request")
	f.IntVar(&sf.lim.MaxConcurrent, "concurrency", 0, "requests served at once; more get 429 (default 4*GOMAXPROCS, at least 8)")
	f.DurationVar(&sf.lim.QueueWait, "queue-wait", 0, "how long a request over the concurrency limit waits for a slot before 429")
	f.StringVar(&sf.kind, "kind", "hnsw", "index kind when creating one: hnsw or flat")
	f.StringVar(&sf.metric, "metric", "cosine", "metric when creating an index (or, without --index, of similarity): cosine, dot or l2")
	f.IntVar(&sf.dim, "dim", 0, "dimension when creating an index without --model")
	f.StringVar(&sf.sync, "sync", "group", "when writes are fsynced before they are acknowledged: always or group (never loses acknowledged writes on a crash)")
	f.Int64Var(&sf.compactBytes, "compact-bytes", 256<<20, "compact the index when its log exceeds this many bytes (0: only on exit)")
	f.BoolVar(&sf.compactOnExit, "compact-on-exit", true, "fold the log into a new snapshot on shutdown (faster next start)")
	f.DurationVar(&sf.shutdown, "shutdown-timeout", 30*time.Second, "how long shutdown waits for requests in flight")
	f.SortFlags = false
	return cmd
}

// openServeIndex opens (or creates) the index directory of serve.
func openServeIndex(sf serveFlags, modelDim int) (*index.DB, error) {
	sync, err := index.ParseSyncMode(sf.sync)
	if err != nil {
		return nil, UsageError{fmt.Errorf("serve: --sync: %w", err)}
	}
	if sync == index.SyncNever {
		return nil, usagef("serve: --sync never would acknowledge writes that a crash loses; use always or group")
	}
	if sf.dim < 0 {
		return nil, usagef("serve: --dim %d, want a positive dimension", sf.dim)
	}
	opt := index.Options{Sync: sync, CompactBytes: sf.compactBytes}
	_, err = os.Stat(filepath.Join(sf.indexDir, index.SnapshotFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if opt.Kind, err = index.ParseKind(sf.kind); err != nil {
			return nil, UsageError{fmt.Errorf("serve: --kind: %w", err)}
		}
		if opt.Config.Metric, err = index.ParseMetric(sf.metric); err != nil {
			return nil, UsageError{fmt.Errorf("serve: --metric: %w", err)}
		}
		opt.Config.Dim = modelDim
		if opt.Config.Dim == 0 {
			opt.Config.Dim = sf.dim
		}
		if opt.Config.Dim <= 0 {
			return nil, usagef("serve: %s holds no index; give --model or --dim to create one", sf.indexDir)
		}
	case err != nil:
		return nil, fmt.Errorf("serve: %w", err)
	}
	return index.Open(sf.indexDir, opt)
}

func readToken(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", UsageError{fmt.Errorf("serve: --token-file: %w", err)}
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" || strings.ContainsAny(tok, " \t\r\n") {
		return "", usagef("serve: --token-file %s: want one token without spaces", path)
	}
	return tok, nil
}

// runServe serves until ctx is done, then shuts down gracefully. ready, when
// not nil, receives the listening address.
func runServe(ctx context.Context, cmd *cobra.Command, sf serveFlags, ready chan<- string) error {
	if sf.indexDir == "" && sf.model == "" && sf.recommender == "" {
		return usagef("serve: give --index DIR, or --model DIR to embed and score, or --recommender DIR to recommend, without an index")
	}
	if _, _, err := net.SplitHostPort(sf.addr); err != nil {
		return UsageError{fmt.Errorf("serve: --addr %q: %w", sf.addr, err)}
	}
	token, err := readToken(sf.tokenFile)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelInfo}))
	var model server.Model
	modelDim := 0
	if sf.model != "" {
		if model, err = loadServeModel(sf.model); err != nil {
			return err
		}
		modelDim = model.Info().Dim
		_, scores := model.(server.Scorer)
		log.Info("model loaded", "dir", sf.model, "name", model.Info().Name, "dim", modelDim, "scorer", scores)
	}
	var recm server.Recommender
	storeDim := modelDim // the dimension of the empty store without --index
	if sf.recommender != "" {
		m, err := recommend.LoadModel(sf.recommender)
		if err != nil {
			return err
		}
		recm = recommendHandler{m}
		if storeDim == 0 {
			storeDim = m.Spec.Dim
		}
		log.Info("recommender loaded", "dir", sf.recommender, "items", m.NumItems())
	}
	st, closeStore, err := openServeStore(sf, modelDim, storeDim, log)
	if err != nil {
		return err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	srv, err := server.New(server.Options{Index: st, Model: model, Recommender: recm, Limits: sf.lim, Token: token, AuthReads: sf.authReads, Logger: log, Registry: reg})
	if err != nil {
		closeStore(false)
		return UsageError{err}
	}
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		closeStore(false)
		return fmt.Errorf("serve: %w", err)
	}
	timeout := sf.lim.Timeout
	if timeout <= 0 {
		timeout = server.DefaultTimeout
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       timeout + 30*time.Second,
		WriteTimeout:      timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("listening", "addr", ln.Addr().String(), "auth", token != "")
	if ready != nil {
		ready <- ln.Addr().String()
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		cerr := closeStore(sf.compactOnExit)
		return errors.Join(fmt.Errorf("serve: %w", err), cerr)
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), sf.shutdown)
	defer cancel()
	serr := hs.Shutdown(sctx)
	if serr != nil {
		log.Error("shutdown", "err", serr)
		hs.Close()
	}
	return closeStore(sf.compactOnExit)
}

// openServeStore opens the index directory of serve (checked against the
// model's dimension modelDim, when there is a model), or, without --index, an
// empty read-only store of dimension emptyDim for a model that embeds and
// scores, or a recommender that ranks, without one. closeStore closes the
// index, compacting it first when compact is set.
func openServeStore(sf serveFlags, modelDim, emptyDim int, log *slog.Logger) (st server.Store, closeStore func(compact bool) error, err error) {
	if sf.indexDir == "" {
		metric, err := index.ParseMetric(sf.metric)
		if err != nil {
			return nil, nil, UsageError{fmt.Errorf("serve: --metric: %w", err)}
		}
		flat, err := index.NewFlat(index.Config{Dim: emptyDim, Metric: metric})
		if err != nil {
			return nil, nil, fmt.Errorf("serve: %w", err)
		}
		log.Info("no index: searches find nothing, items by ID are not found and writes answer 501; give --index DIR to store items")
		return noIndex{flat}, func(bool) error { return nil }, nil
	}
	t0 := time.Now()
	db, err := openServeIndex(sf, modelDim)
	if err != nil {
		return nil, nil, err
	}
	rec := db.Recovery()
	log.Info("index opened", "dir", sf.indexDir, "kind", db.Kind(), "dim", db.Dim(), "metric", db.Metric(), "items", db.Len(),
		"log_records_replayed", rec.Records, "torn_bytes_cut", rec.TornBytes, "seconds", time.Since(t0).Seconds())
	return db, func(compact bool) error {
		if compact {
			if err := db.Compact(); err != nil {
				log.Error("compact on exit", "err", err)
			}
		}
		if err := db.Close(); err != nil {
			return err
		}
		log.Info("index closed", "items", db.Len())
		return nil
	}, nil
}

// noIndex is the store of a server started without --index: always empty
// and read-only (server.ReadOnly), so that writes are refused with 501 rather
// than kept in memory that exit would lose. It forwards the read methods to
// an empty Flat index; writes never reach it.
type noIndex struct{ empty *index.Flat }

var (
	_ server.Store    = noIndex{}
	_ server.ReadOnly = noIndex{}
)

func (s noIndex) ReadOnly() bool                   { return true }
func (s noIndex) Dim() int                         { return s.empty.Dim() }
func (s noIndex) Metric() index.Metric             { return s.empty.Metric() }
func (s noIndex) Len() int                         { return 0 }
func (s noIndex) Get(id string) (index.Item, bool) { return s.empty.Get(id) }
func (s noIndex) Upsert(...index.Item) error       { return errNoIndex }
func (s noIndex) Delete(...string) (int, error)    { return 0, errNoIndex }
func (s noIndex) Search(q []float32, k int, p index.Params) ([]index.Result, error) {
	return s.empty.Search(q, k, p)
}
func (s noIndex) SearchByID(id string, k int, p index.Params) ([]index.Result, error) {
	return s.empty.SearchByID(id, k, p)
}

// errNoIndex is what noIndex's writes return, should one get past the
// server's read-only check.
var errNoIndex = &server.Error{Code: server.CodeNotImplemented, Message: "this server keeps no items (it has no index to write to)"}

// recommendHandler serves a recommend.Model at POST /v1/recommend: the body
// is a recommend.Request, the answer a recommend.Response, and the model's
// ErrBadRequest errors become 400 bad_request.
type recommendHandler struct{ m *recommend.Model }

func (h recommendHandler) Recommend(_ context.Context, body json.RawMessage) (any, error) {
	resp, err := h.m.HandleJSON(body)
	if errors.Is(err, recommend.ErrBadRequest) {
		return nil, fmt.Errorf("%w: %v", server.ErrBadInput, err)
	}
	return resp, err
}
