package server

import (
	"fmt"
	"log/slog"
	"runtime"
	"time"

	"github.com/contrast-ml/contrast/index"
	"github.com/prometheus/client_golang/prometheus"
)

// Store is the index the server searches and writes. *index.DB implements it
// and is the intended one: its Upsert and Delete return only once the write
// is in its log and (with index.SyncAlways or index.SyncGroup) fsynced, and
// the server acknowledges a write only after they return, so every
// acknowledged write survives a crash.
type Store interface {
	Dim() int
	Metric() index.Metric
	Len() int
	Get(id string) (index.Item, bool)
	Search(q []float32, k int, p index.Params) ([]index.Result, error)
	SearchByID(id string, k int, p index.Params) ([]index.Result, error)
	Upsert(items ...index.Item) error
	Delete(ids ...string) (int, error)
}

// ReadOnly is implemented by a Store that keeps no items, such as the empty
// store of a server started without an index: when ReadOnly reports true,
// PUT and DELETE /v1/items answer 501 not_implemented (after the token check
// and the body-size limit, before decoding or embedding anything), and GET
// /v1/info says "read_only": true.
type ReadOnly interface{ ReadOnly() bool }

// Limits bound what one request may ask. Zero fields take the defaults.
type Limits struct {
	// MaxBody is the largest request body in bytes (default 16 MiB); larger
	// bodies get 413 too_large.
	MaxBody int64
	// MaxBatch is the most inputs of one /v1/embed or /v1/score or items of
	// one PUT /v1/items (default 1024); more get 413 too_large.
	MaxBatch int
	// MaxK is the largest k of a search (default 1000); larger get 400.
	MaxK int
	// Timeout is the time one request may take (default 10 s); past it the
	// answer is 503 timeout. A write that reached the index is always
	// completed and acknowledged: a timeout on a write means it was not
	// applied.
	Timeout time.Duration
	// MaxConcurrent is the number of /v1 requests served at once (default
	// 4*GOMAXPROCS, at least 8); one more waits up to QueueWait for a slot and
	// then gets 429 overloaded with Retry-After.
	MaxConcurrent int
	// QueueWait is how long a request waits for a slot (default 0: none).
	QueueWait time.Duration
}

// Defaults for zero Limits fields.
const (
	DefaultMaxBody  = 16 << 20
	DefaultMaxBatch = 1024
	DefaultMaxK     = 1000
	DefaultTimeout  = 10 * time.Second
	DefaultK        = 10
)

func (l Limits) withDefaults() (Limits, error) {
	if l.MaxBody == 0 {
		l.MaxBody = DefaultMaxBody
	}
	if l.MaxBatch == 0 {
		l.MaxBatch = DefaultMaxBatch
	}
	if l.MaxK == 0 {
		l.MaxK = DefaultMaxK
	}
	if l.Timeout == 0 {
		l.Timeout = DefaultTimeout
	}
	if l.MaxConcurrent == 0 {
		l.MaxConcurrent = max(8, 4*runtime.GOMAXPROCS(0))
	}
	switch {
	case l.MaxBody < 1:
		return l, fmt.Errorf("server: max body %d bytes, want > 0", l.MaxBody)
	case l.MaxBatch < 1:
		return l, fmt.Errorf("server: max batch %d, want > 0", l.MaxBatch)
	case l.MaxK < 1:
		return l, fmt.Errorf("server: max k %d, want > 0", l.MaxK)
	case l.Timeout < 0:
		return l, fmt.Errorf("server: timeout %v, want > 0", l.Timeout)
	case l.MaxConcurrent < 1:
		return l, fmt.Errorf("server: concurrency limit %d, want > 0", l.MaxConcurrent)
	case l.QueueWait < 0:
		return l, fmt.Errorf("server: queue wait %v, want >= 0", l.QueueWait)
	}
	return l, nil
}

// Options configure New. Index is required.
type Options struct {
	// Index is searched and written (normally an *index.DB).
	Index Store
	// Model, when set, embeds raw inputs; without it requests must carry
	// vectors or IDs, and /v1/embed answers 501.
	Model Model
	// Recommender, when set, answers POST /v1/recommend.
	Recommender Recommender
	// Scorer, when set, answers POST /v1/score; when nil and Model
	// implements Scorer, the Model does.
	Scorer Scorer
	// Limits bound requests.
	Limits Limits
	// Token, when not empty, is the bearer token that writes (PUT and DELETE
	// /v1/items) must carry: "Authorization: Bearer TOKEN". With AuthReads
	// every /v1 request must carry it.
	Token     string
	AuthReads bool
	// Logger receives internal errors (with the request ID sent to the
	// client in X-Request-Id); nil discards them.
	Logger *slog.Logger
	// Registry receives the server's metrics and is served at /metrics; nil
	// uses a new registry.
	Registry *prometheus.Registry
}
