package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/contrast-ml/contrast/client"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/spf13/cobra"
)

// loadOp is one kind of request of the load generator.
type loadOp uint8

const (
	loadSearch loadOp = iota // POST /v1/search by vector
	loadUpsert               // PUT /v1/items with fresh IDs
	loadGet                  // GET /v1/items/{id} of an ID written by this run
	numLoadOps
)

func (o loadOp) String() string {
	switch o {
	case loadSearch:
		return "search"
	case loadUpsert:
		return "upsert"
	case loadGet:
		return "get"
	}
	return fmt.Sprintf("loadOp(%d)", uint8(o))
}

func parseLoadOp(s string) (loadOp, error) {
	switch strings.TrimSpace(s) {
	case "search":
		return loadSearch, nil
	case "upsert":
		return loadUpsert, nil
	case "get":
		return loadGet, nil
	}
	return 0, fmt.Errorf("unknown operation %q (want search, upsert or get)", s)
}

// parseMix parses "search=0.9,upsert=0.1" into cumulative weights per op.
func parseMix(s string) ([numLoadOps]float64, error) {
	var w [numLoadOps]float64
	total := 0.0
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(part, "=")
		op, err := parseLoadOp(name)
		if err != nil {
			return w, err
		}
		f, perr := strconv.ParseFloat(strings.TrimSpace(val), 64)
		if !ok || perr != nil || !(f >= 0) {
			return w, fmt.Errorf("%q: want NAME=WEIGHT with a weight >= 0", part)
		}
		w[op] += f
		total += f
	}
	if !(total > 0) {
		return w, fmt.Errorf("weights sum to %v, want > 0", total)
	}
	for i := range w {
		w[i] /= total
	}
	return w, nil
}

// LoadStats summarises one operation's requests (latencies of the
// successful ones, in milliseconds).
type LoadStats struct {
	Requests   int     `json:"requests"`
	OK         int     `json:"ok"`
	Overloaded int     `json:"overloaded_429"`
	Errors     int     `json:"errors"`
	PerSecond  float64 `json:"ok_per_s"`
	MeanMs     float64 `json:"mean_ms"`
	P50Ms      float64 `json:"p50_ms"`
	P90Ms      float64 `json:"p90_ms"`
	P99Ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
}

// LoadReport is the outcome of contrast loadtest.
type LoadReport struct {
	Addr       string               `json:"addr"`
	Clients    int                  `json:"clients"`
	DurationS  float64              `json:"duration_s"`
	Mix        map[string]float64   `json:"mix"`
	K          int                  `json:"k"`
	Batch      int                  `json:"batch"`
	Dim        int                  `json:"dim"`
	ItemsStart int                  `json:"items_start"`
	ItemsEnd   int                  `json:"items_end"`
	All        LoadStats            `json:"all"`
	Ops        map[string]LoadStats `json:"ops"`
	ErrorCodes map[string]int       `json:"error_codes,omitempty"`
	FirstError string               `json:"first_error,omitempty"`
}

type loadFlags struct {
	addr, mix, tokenFile, jsonF string
	clients, k, batch           int
	duration                    time.Duration
	seed                        uint64
}

func newLoadtestCmd() *cobra.Command {
	var lf loadFlags
	cmd := &cobra.Command{
		Use:   "loadtest --addr HOST:PORT [--clients 64] [--duration 60s] [--mix search=0.9,upsert=0.1] [--json FILE]",
		Short: "Drive a running contrast serve with concurrent clients and report latency and throughput",
		Long: `loadtest runs --clients goroutines, each sending one request at a time for --duration:
searches by vector (k = --k) and upserts of --batch fresh items, drawn by --mix. Vectors
are seeded Gaussian clusters of the server's dimension (the distribution of contrast
index build --synthetic with the same --seed). It reports, per operation and overall,
requests, 429s (the server's deliberate concurrency limit), other errors, successful
requests per second and p50/p90/p99/max latency, and exits 1 if any request failed with
anything other than 429. The generator runs on the same machine as the server: on a
small machine it takes a share of the CPU.`,
		Example: "  contrast loadtest --addr 127.0.0.1:8080 --clients 64 --duration 60s --mix search=0.9,upsert=0.1 --json load.json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			rep, err := runLoadtest(cmd.Context(), lf, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			printLoadReport(cmd.OutOrStdout(), rep)
			if lf.jsonF != "" {
				b, _ := json.MarshalIndent(rep, "", "  ")
				if err := atomicfile.WriteFile(lf.jsonF, append(b, '\n'), 0o644); err != nil {
					return err
				}
			}
			if rep.All.Errors > 0 {
				return fmt.Errorf("loadtest: %d requests failed (besides %d deliberate 429s); first: %s", rep.All.Errors, rep.All.Overloaded, rep.FirstError)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&lf.addr, "addr", "127.0.0.1:8080", "server address HOST:PORT (or a URL)")
	f.IntVar(&lf.clients, "clients", 64, "concurrent clients, each with one request in flight")
	f.DurationVar(&lf.duration, "duration", 60*time.Second, "how long to send requests")
	f.StringVar(&lf.mix, "mix", "search=0.9,upsert=0.1", "operation weights: search, upsert, get")
	f.IntVar(&lf.k, "k", 10, "neighbours per search")
	f.IntVar(&lf.batch, "batch", 1, "items per upsert")
	f.StringVar(&lf.tokenFile, "token-file", "", "bearer token for upserts")
	f.Uint64Var(&lf.seed, "seed", 1, "seed of the vectors (same as index build --synthetic for the same clusters)")
	f.StringVar(&lf.jsonF, "json", "", "also write the JSON report to this file")
	f.SortFlags = false
	return cmd
}

// loadWorker is one client's tally.
type loadWorker struct {
	lat   [numLoadOps][]time.Duration
	stat  [numLoadOps]LoadStats
	codes map[string]int
	first string
	ids   []string
}

func runLoadtest(ctx context.Context, lf loadFlags, progress io.Writer) (*LoadReport, error) {
	mix, err := parseMix(lf.mix)
	if err != nil {
		return nil, UsageError{fmt.Errorf("loadtest: --mix: %w", err)}
	}
	if lf.clients < 1 || lf.duration <= 0 || lf.k < 1 || lf.batch < 1 {
		return nil, usagef("loadtest: --clients, --duration, --k and --batch must be positive")
	}
	base := lf.addr
	if !strings.Contains(base, "://") {
		base = "http://" + base
	}
	token, err := readToken(lf.tokenFile)
	if err != nil {
		return nil, err
	}
	c, err := client.New(base, client.WithToken(token))
	if err != nil {
		return nil, UsageError{err}
	}
	info, err := c.Info(ctx)
	if err != nil {
		return nil, fmt.Errorf("loadtest: %w", err)
	}
	dim := info.Index.Dim
	draw := syntheticSource(dim, lf.seed)
	// Search bodies are encoded before the clock starts, so that the
	// generator spends its CPU on sending rather than on JSON.
	qrng := rand.New(rand.NewPCG(lf.seed, 0x9e71))
	bodies := make([][]byte, 1024)
	v := make([]float32, dim)
	for i := range bodies {
		draw(v, qrng)
		bodies[i], _ = json.Marshal(client.SearchRequest{Query: client.ByVector(v), K: lf.k})
	}
	rep := &LoadReport{Addr: lf.addr, Clients: lf.clients, K: lf.k, Batch: lf.batch, Dim: dim, ItemsStart: info.Index.Items,
		Mix: map[string]float64{}, Ops: map[string]LoadStats{}}
	for op := range numLoadOps {
		if mix[op] > 0 {
			rep.Mix[op.String()] = mix[op]
		}
	}
	fmt.Fprintf(progress, "loadtest: %d clients for %v against %s (%d items of dimension %d)\n", lf.clients, lf.duration, lf.addr, info.Index.Items, dim)
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	workers := make([]*loadWorker, lf.clients)
	t0 := time.Now()
	deadline := t0.Add(lf.duration)
	var wg sync.WaitGroup
	for w := range workers {
		lw := &loadWorker{codes: map[string]int{}}
		workers[w] = lw
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(lf.seed+uint64(w)+1, 0x10ad))
			vec := make([]float32, dim)
			n := 0
			for time.Now().Before(deadline) && ctx.Err() == nil {
				op := pickOp(mix, rng.Float64())
				var body []byte
				var method, path string
				switch op {
				case loadSearch:
					method, path, body = "POST", "/v1/search", bodies[rng.IntN(len(bodies))]
				case loadUpsert:
					items := make([]client.Item, lf.batch)
					for i := range items {
						draw(vec, rng)
						id := fmt.Sprintf("lt-%s-%d-%d", run, w, n)
						n++
						items[i] = client.Item{ID: id, Vector: slices.Clone(vec)}
						lw.ids = append(lw.ids, id)
					}
					method, path = "PUT", "/v1/items"
					body, _ = json.Marshal(map[string]any{"items": items})
				case loadGet:
					id := "0"
					if len(lw.ids) > 0 {
						id = lw.ids[rng.IntN(len(lw.ids))]
					}
					method, path = "GET", "/v1/items/"+id
				}
				t := time.Now()
				err := c.Do(ctx, method, path, body, nil)
				d := time.Since(t)
				st := &lw.stat[op]
				st.Requests++
				switch {
				case err == nil:
					st.OK++
					lw.lat[op] = append(lw.lat[op], d)
				case client.IsCode(err, client.CodeOverloaded):
					st.Overloaded++
				case ctx.Err() != nil:
					st.Requests-- // interrupted, not failed
				default:
					st.Errors++
					code := "transport"
					if e, ok := err.(*client.Error); ok {
						code = e.Code
					}
					lw.codes[code]++
					if lw.first == "" {
						lw.first = err.Error()
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(t0).Seconds()
	rep.DurationS = elapsed
	var all []time.Duration
	for op := range numLoadOps {
		var lat []time.Duration
		var st LoadStats
		for _, lw := range workers {
			lat = append(lat, lw.lat[op]...)
			s := lw.stat[op]
			st.Requests += s.Requests
			st.OK += s.OK
			st.Overloaded += s.Overloaded
			st.Errors += s.Errors
		}
		if st.Requests == 0 {
			continue
		}
		summarise(&st, lat, elapsed)
		rep.Ops[op.String()] = st
		all = append(all, lat...)
		rep.All.Requests += st.Requests
		rep.All.OK += st.OK
		rep.All.Overloaded += st.Overloaded
		rep.All.Errors += st.Errors
	}
	summarise(&rep.All, all, elapsed)
	for _, lw := range workers {
		for code, n := range lw.codes {
			if rep.ErrorCodes == nil {
				rep.ErrorCodes = map[string]int{}
			}
			rep.ErrorCodes[code] += n
		}
		if rep.FirstError == "" {
			rep.FirstError = lw.first
		}
	}
	if n, err := c.Health(context.Background()); err == nil {
		rep.ItemsEnd = n
	}
	return rep, nil
}

func pickOp(cum [numLoadOps]float64, u float64) loadOp {
	for op := range numLoadOps {
		if u < cum[op] {
			return op
		}
		u -= cum[op]
	}
	for op := numLoadOps - 1; op > 0; op-- {
		if cum[op] > 0 {
			return op
		}
	}
	return 0
}

// summarise fills the latency figures of st from the successful requests'
// latencies (nearest-rank percentiles).
func summarise(st *LoadStats, lat []time.Duration, seconds float64) {
	st.PerSecond = float64(st.OK) / seconds
	if len(lat) == 0 {
		return
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	st.MeanMs = ms(sum) / float64(len(lat))
	st.P50Ms, st.P90Ms, st.P99Ms = ms(percentile(lat, 50)), ms(percentile(lat, 90)), ms(percentile(lat, 99))
	st.MaxMs = ms(lat[len(lat)-1])
}

// percentile is the nearest-rank p-th percentile of sorted values.
func percentile(sorted []time.Duration, p float64) time.Duration {
	r := int(p/100*float64(len(sorted))+0.999999999) - 1
	return sorted[min(max(r, 0), len(sorted)-1)]
}

func printLoadReport(w io.Writer, rep *LoadReport) {
	fmt.Fprintf(w, "%d clients, %.1f s, items %d -> %d\n", rep.Clients, rep.DurationS, rep.ItemsStart, rep.ItemsEnd)
	fmt.Fprintf(w, "%-8s %9s %9s %7s %7s %9s %8s %8s %8s %8s\n", "op", "requests", "ok", "429", "errors", "ok/s", "p50 ms", "p90 ms", "p99 ms", "max ms")
	line := func(name string, s LoadStats) {
		fmt.Fprintf(w, "%-8s %9d %9d %7d %7d %9.0f %8.2f %8.2f %8.2f %8.1f\n", name, s.Requests, s.OK, s.Overloaded, s.Errors, s.PerSecond, s.P50Ms, s.P90Ms, s.P99Ms, s.MaxMs)
	}
	for op := range numLoadOps {
		if s, ok := rep.Ops[op.String()]; ok {
			line(op.String(), s)
		}
	}
	line("all", rep.All)
	for code, n := range rep.ErrorCodes {
		fmt.Fprintf(w, "errors %s: %d\n", code, n)
	}
}
