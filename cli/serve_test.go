package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/npy"
	"github.com/contrast-ml/contrast/recommend"
	"github.com/contrast-ml/contrast/server"
)

// TestServeUsageErrors checks serve's, loadtest's and index's refusals.
func TestServeUsageErrors(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty-token")
	os.WriteFile(empty, []byte("  \n"), 0o600)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"serve"}, "--index"},
		{[]string{"serve", "--index", filepath.Join(dir, "new")}, "--dim"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "-3"}, "--dim -3, want a positive dimension"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "4", "--sync", "never"}, "never"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "4", "--kind", "tree"}, "tree"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "4", "--addr", "nohost"}, "nohost"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "4", "--token-file", empty}, "token"},
		{[]string{"serve", "--index", filepath.Join(dir, "new"), "--dim", "4", "--max-k", "-1"}, "max k"},
		{[]string{"loadtest", "--mix", "search=1,fly=2"}, "fly"},
		{[]string{"loadtest", "--mix", "search=0"}, "sum"},
		{[]string{"loadtest", "--clients", "0"}, "positive"},
		{[]string{"index", "build", "--out", filepath.Join(dir, "i")}, "one source"},
		{[]string{"index", "build", "--out", filepath.Join(dir, "i"), "--synthetic", "10"}, "N,DIM"},
		{[]string{"index", "build", "--out", filepath.Join(dir, "i"), "--synthetic", "10,2", "--metric", "hamming"}, "hamming"},
		{[]string{"index", "build", "--out", filepath.Join(dir, "i"), "--synthetic", "10,2", "--quant", "int4"}, "int4"},
		{[]string{"index", "build", "--out", filepath.Join(dir, "i"), "--synthetic", "10,2", "--rerank", "2"}, "--rerank 2"},
		{[]string{"index", "bench", "--base", "b.npy"}, "--queries"},
		{[]string{"index", "bench", "--base", "b.npy", "--queries", "q.npy", "--ef", "1,x"}, "--ef"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			err := Run(context.Background(), c.args)
			if err == nil {
				t.Fatal("no error")
			}
			if ExitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("exit %d, error %q; want exit 2 mentioning %q", ExitCode(err), err, c.want)
			}
		})
	}
}

// TestIndexBuildServeLoadtest builds a small synthetic index, serves it in
// process, drives it with the load generator and shuts it down.
func TestIndexBuildServeLoadtest(t *testing.T) {
	dir := t.TempDir()
	idx := filepath.Join(dir, "idx")
	if err := Run(context.Background(), []string{"index", "build", "--synthetic", "500,8", "--out", idx, "--kind", "hnsw", "--metric", "l2"}); err != nil {
		t.Fatal(err)
	}
	if err := Run(context.Background(), []string{"index", "build", "--synthetic", "5,8", "--out", idx}); err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("rebuilding over an index: %v", err)
	}
	// The vectors are SyntheticVectors' rows, under IDs "0".."499".
	db, err := index.Open(idx, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := SyntheticVectors(500, 8, 1)
	it, ok := db.Get("499")
	if !ok || db.Len() != 500 || db.Metric() != index.L2 || db.Kind() != index.KindHNSW {
		t.Fatalf("built index: len %d, metric %v, kind %v, has 499: %v", db.Len(), db.Metric(), db.Kind(), ok)
	}
	for j, v := range it.Vector {
		if v != want[499*8+j] {
			t.Fatalf("item 499 = %v, want %v", it.Vector, want[499*8:])
		}
	}
	db.Close()
	// --quant and --rerank reach the index: int8 codes past MinQuantFit.
	qidx := filepath.Join(dir, "qidx")
	if err := Run(context.Background(), []string{"index", "build", "--synthetic", "1500,8", "--out", qidx, "--quant", "int8", "--rerank", "3"}); err != nil {
		t.Fatal(err)
	}
	if db, err = index.Open(qidx, index.Options{}); err != nil {
		t.Fatal(err)
	}
	if c := db.Config(); c.Quantization != index.Int8PerDim || c.Rerank != 3 || db.Len() != 1500 {
		t.Fatalf("built with --quant int8 --rerank 3: %+v, %d items", c, db.Len())
	}
	db.Close()

	token := filepath.Join(dir, "token")
	os.WriteFile(token, []byte("tok\n"), 0o600)
	url, logs, stop := serveInProcess(t, serveFlags{indexDir: idx, addr: "127.0.0.1:0", tokenFile: token, sync: "group",
		shutdown: 10 * time.Second, compactOnExit: true})
	addr := strings.TrimPrefix(url, "http://")
	rep, err := runLoadtest(context.Background(), loadFlags{addr: addr, clients: 4, duration: 300 * time.Millisecond,
		mix: "search=0.6,upsert=0.3,get=0.1", k: 5, batch: 2, seed: 1, tokenFile: token}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.All.Errors != 0 || rep.All.OK == 0 || rep.Ops["search"].OK == 0 || rep.Ops["upsert"].OK == 0 {
		t.Fatalf("load report %+v", rep)
	}
	if rep.ItemsEnd != 500+2*rep.Ops["upsert"].OK {
		t.Fatalf("items %d after %d upserts of 2", rep.ItemsEnd, rep.Ops["upsert"].OK)
	}
	s := rep.Ops["search"]
	if !(s.P50Ms <= s.P90Ms && s.P90Ms <= s.P99Ms && s.P99Ms <= s.MaxMs) {
		t.Fatalf("percentiles out of order: %+v", s)
	}
	b, _ := json.Marshal(rep)
	if !strings.Contains(string(b), `"p99_ms"`) {
		t.Fatalf("JSON report %s", b)
	}
	stop() // graceful shutdown
	if !strings.Contains(logs.String(), `msg="index closed"`) {
		t.Fatalf("no clean close:\n%s", logs.String())
	}
	db, err = index.Open(idx, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.Len() != rep.ItemsEnd || db.Recovery().Records != 0 {
		t.Fatalf("reopened: %d items (want %d), %d log records (want 0 after compaction)", db.Len(), rep.ItemsEnd, db.Recovery().Records)
	}
}

// TestIndexBench runs index bench on two small .npy files.
func TestIndexBench(t *testing.T) {
	dir := t.TempDir()
	base, queries := filepath.Join(dir, "b.npy"), filepath.Join(dir, "q.npy")
	if err := npy.WriteFile(base, SyntheticVectors(300, 6, 1), 300, 6); err != nil {
		t.Fatal(err)
	}
	if err := npy.WriteFile(queries, SyntheticVectors(20, 6, 2), 20, 6); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r.json")
	if err := Run(context.Background(), []string{"index", "bench", "--base", base, "--queries", queries, "--k", "5", "--ef", "8,300",
		"--repeats", "1", "--json", out}); err != nil {
		t.Fatal(err)
	}
	var rep index.BenchReport
	b, _ := os.ReadFile(out)
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	// HNSW is not exact even with ef >= n: its pruned, concurrently built graph
	// can leave a node unreachable (seen: recall 0.98 on 300 vectors). The
	// index package's conformance suite holds it to 0.95; so does this check.
	if rep.N != 300 || rep.Queries != 20 || len(rep.HNSW) != 2 || rep.HNSW[1].Recall < 0.95 {
		t.Fatalf("report %+v", rep)
	}
}

// TestSyntheticVectors checks the recipe: seeded, clustered around 100
// centres with spread 0.5.
func TestSyntheticVectors(t *testing.T) {
	a, b := SyntheticVectors(2000, 16, 7), SyntheticVectors(2000, 16, 7)
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("same seed, different vectors")
		}
	}
	if c := SyntheticVectors(1, 16, 8); c[0] == a[0] {
		t.Fatal("different seeds, same first value")
	}
	// Variance per component: centres N(0,1) plus 0.5 N(0,1) -> 1.25.
	var s, s2 float64
	for _, v := range a {
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	n := float64(len(a))
	if v := s2/n - (s/n)*(s/n); math.Abs(v-1.25) > 0.25 {
		t.Fatalf("variance %v, want about 1.25", v)
	}
}

func TestParseMix(t *testing.T) {
	w, err := parseMix("search=9, upsert=1")
	if err != nil || math.Abs(w[loadSearch]-0.9) > 1e-12 || math.Abs(w[loadUpsert]-0.1) > 1e-12 || w[loadGet] != 0 {
		t.Fatalf("parseMix = %v, %v", w, err)
	}
	counts := map[loadOp]int{}
	for i := range 1000 {
		counts[pickOp(w, (float64(i)+0.5)/1000)]++
	}
	if counts[loadSearch] != 900 || counts[loadUpsert] != 100 {
		t.Fatalf("picked %v", counts)
	}
}

// tinyRecommender is an untrained two-tower model over three movies, the
// third never seen in training (no ID vector).
func tinyRecommender(t *testing.T) *recommend.Model {
	t.Helper()
	m, err := recommend.NewModel(recommend.ModelSpec{
		Format: "contrast.recommend.two-tower/v1", Dim: 4, WordDim: 3, ItemIDs: true, History: 5, Temperature: 0.1, Seed: 3,
		Vocab: []string{"w:toy"},
		Items: []recommend.ItemText{{MovieID: 1, Title: "Toy Story (1995)"}, {MovieID: 2, Title: "Heat (1995)"}, {MovieID: 3, Title: "Up (2009)"}},
		HasID: []bool{true, true, false}, Popularity: []int{3, 1, 0},
	}, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestServeRecommenderAlone serves a saved recommender with neither --index
// nor --model: /v1/recommend ranks, the store is the empty read-only one.
func TestServeRecommenderAlone(t *testing.T) {
	m := tinyRecommender(t)
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	url, _, stop := serveInProcess(t, serveFlags{recommender: dir, addr: "127.0.0.1:0", metric: "cosine", shutdown: 5 * time.Second})
	defer stop()
	status, b := request(t, "POST", url+"/v1/recommend", `{"history":[1],"k":5}`)
	if status != 200 {
		t.Fatalf("recommend: %d %s", status, b)
	}
	var resp recommend.Response
	if err := json.Unmarshal(b, &resp); err != nil || len(resp.Items) != 2 {
		t.Fatalf("recommend answered %s (%v), want the 2 movies outside the history", b, err)
	}
	if status, b := request(t, "POST", url+"/v1/search", `{"vector":[1,0,0,0],"k":3}`); status != 200 || !strings.Contains(string(b), `"results":[]`) {
		t.Fatalf("search: %d %s", status, b)
	}
	if status, b := request(t, "GET", url+"/v1/info", ""); status != 200 || !strings.Contains(string(b), `"read_only":true`) {
		t.Fatalf("info: %d %s, want read_only", status, b)
	}
}

// TestRecommendHandler checks the /v1/recommend adapter: answers pass
// through and the recommender's bad-request errors become ErrBadInput.
func TestRecommendHandler(t *testing.T) {
	m := tinyRecommender(t)
	h := recommendHandler{m}
	got, err := h.Recommend(context.Background(), json.RawMessage(`{"history":[1],"k":5}`))
	if err != nil {
		t.Fatal(err)
	}
	resp, ok := got.(*recommend.Response)
	if !ok || len(resp.Items) != 2 {
		t.Fatalf("answer %#v, want the 2 movies outside the history", got)
	}
	for _, bad := range []string{`{"history":[99]}`, `{"history":[1],"k":0.5}`, `{"hist":[1]}`} {
		if _, err := h.Recommend(context.Background(), json.RawMessage(bad)); !errors.Is(err, server.ErrBadInput) {
			t.Errorf("%s: error %v, want ErrBadInput", bad, err)
		}
	}
}
