package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// variant is one implementation under the shared conformance suite.
type variant struct {
	name    string
	kind    Kind
	quant   Quantization
	rerank  int
	durable bool    // wrapped in a DB (snapshot + log in a temp dir)
	exact   bool    // results must equal brute force
	recall  float64 // minimum mean recall@10 against brute force
}

var variants = []variant{
	{name: "flat", kind: KindFlat, exact: true, recall: 1},
	{name: "flat-int8", kind: KindFlat, quant: Int8PerDim, recall: 0.85},
	{name: "flat-int8-rerank", kind: KindFlat, quant: Int8PerDim, rerank: 4, recall: 0.99},
	{name: "hnsw", kind: KindHNSW, recall: 0.95},
	{name: "hnsw-int8", kind: KindHNSW, quant: Int8PerDim, recall: 0.85},
	{name: "hnsw-int8global-rerank", kind: KindHNSW, quant: Int8Global, rerank: 4, recall: 0.95},
	{name: "db-flat", kind: KindFlat, durable: true, exact: true, recall: 1},
	{name: "db-hnsw-int8", kind: KindHNSW, quant: Int8PerDim, durable: true, recall: 0.85},
}

var metrics = []Metric{Cosine, Dot, L2}

const (
	confN   = MinQuantFit + 176 // quantised variants fit (see newFixture)
	confDim = 24
	confQ   = 25
	confK   = 10
)

func (v variant) open(t *testing.T, m Metric) Index {
	t.Helper()
	// One build worker: the graph, and so every recall below, is the same on
	// every run. A graph built by several workers differs from run to run and
	// now and then falls under the bars here (0.944 for hnsw with cosine, once,
	// under -race on a loaded CI machine); TestHNSWParallelBuildRecall checks
	// parallel builds over several of them.
	cfg := Config{Dim: confDim, Metric: m, Quantization: v.quant, Rerank: v.rerank, M: 12, EfConstruction: 100, Ef: 64, Seed: 7,
		BuildWorkers: 1}
	if !v.durable {
		idx, err := New(v.kind, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return idx
	}
	db, err := Open(filepath.Join(t.TempDir(), "db"), Options{Kind: v.kind, Config: cfg, Sync: SyncNever})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fixture is an index filled with clustered items carrying metadata, and the
// oracle's copy of them.
type fixture struct {
	idx     Index
	items   map[string]Item
	fields  map[string]map[string]string // ID -> field -> canonical value
	queries []float32
}

func genre(i int) string { return "g" + strconv.Itoa(i%5) }

func newFixture(t *testing.T, v variant, m Metric) *fixture {
	base, queries := clustered(confN, confDim, confQ, 15, 3)
	items := itemsOf(base, confDim)
	for i := range items {
		switch {
		case i%50 == 49:
			// no metadata
		case i%50 == 48:
			items[i].Meta = json.RawMessage(`[1,2,3]`) // not an object
		default:
			meta := map[string]any{"genre": genre(i), "n": i}
			if i%40 == 0 {
				meta["rare"] = true
			}
			items[i].Meta, _ = json.Marshal(meta)
		}
	}
	f := &fixture{idx: v.open(t, m), items: map[string]Item{}, queries: queries}
	// Two batches, so that HNSW also inserts into a non-empty graph.
	if err := f.idx.Add(items[:confN/3]...); err != nil {
		t.Fatal(err)
	}
	if err := f.idx.Add(items[confN/3:]...); err != nil {
		t.Fatal(err)
	}
	if st := storeOf(f.idx); st.qkind != NoQuant && !st.coded() {
		t.Fatalf("%d items: a quantised variant must search codes here", confN)
	}
	f.fields = map[string]map[string]string{}
	for _, it := range items {
		f.items[it.ID] = it
		f.fields[it.ID] = map[string]string{}
		for _, field := range []string{"genre", "n", "rare"} {
			f.fields[it.ID][field] = fieldValue(it.Meta, field)
		}
	}
	return f
}

func (f *fixture) query(i int) []float32 { return f.queries[i*confDim : (i+1)*confDim] }

func oracleScore(m Metric, d float64) float64 {
	if m == L2 {
		return d
	}
	return -d
}

// check compares results with brute force: exact variants must return the
// true top k (up to ties) with matching scores; all must reach the variant's
// recall. It returns the recall of this query.
func (f *fixture) check(t *testing.T, v variant, m Metric, q []float32, got []Result, want []oracleHit, k int) float64 {
	t.Helper()
	if len(got) != min(k, len(want)) {
		t.Fatalf("got %d results, want %d", len(got), min(k, len(want)))
	}
	seen := map[string]bool{}
	for i, r := range got {
		if seen[r.ID] {
			t.Fatalf("result %d: duplicate ID %q", i, r.ID)
		}
		seen[r.ID] = true
		if _, ok := f.items[r.ID]; !ok {
			t.Fatalf("result %d: ID %q is not a live item", i, r.ID)
		}
		if i > 0 {
			prev, cur := float64(got[i-1].Score), float64(r.Score)
			if (m == L2 && cur < prev) || (m != L2 && cur > prev) {
				t.Fatalf("results not ordered best first: %v then %v", prev, cur)
			}
		}
	}
	if v.exact && len(got) > 0 {
		for i, r := range got {
			w := oracleScore(m, want[i].d)
			if math.Abs(float64(r.Score)-w) > 1e-4*(1+math.Abs(w)) {
				t.Fatalf("result %d: %s score %v, brute force rank %d is %s with %v", i, r.ID, r.Score, i, want[i].id, w)
			}
		}
		kth := want[len(got)-1].d
		for _, r := range got {
			if od := oracleDist(m, q, f.items[r.ID].Vector); od > kth+1e-4*(1+math.Abs(kth)) {
				t.Fatalf("%s at distance %v is beyond the true k-th %v", r.ID, od, kth)
			}
		}
	}
	return recallOf(got, want, k)
}

func TestConformance(t *testing.T) {
	for _, v := range variants {
		for _, m := range metrics {
			t.Run(v.name+"/"+m.String(), func(t *testing.T) {
				t.Parallel()
				conformance(t, v, m)
			})
		}
	}
}

func conformance(t *testing.T, v variant, m Metric) {
	f := newFixture(t, v, m)
	idx := f.idx
	if idx.Len() != confN || idx.Dim() != confDim || idx.Metric() != m {
		t.Fatalf("Len %d Dim %d Metric %v", idx.Len(), idx.Dim(), idx.Metric())
	}

	t.Run("Search", func(t *testing.T) {
		var sum float64
		for i := 0; i < confQ; i++ {
			q := f.query(i)
			got, err := idx.Search(q, confK, Params{})
			if err != nil {
				t.Fatal(err)
			}
			sum += f.check(t, v, m, q, got, oracle(m, f.items, q, nil), confK)
		}
		if r := sum / confQ; r < v.recall {
			t.Fatalf("recall@%d = %.3f, want >= %.3f", confK, r, v.recall)
		}
	})

	t.Run("SearchBatch", func(t *testing.T) {
		batch, err := idx.SearchBatch(f.queries, confK, Params{})
		if err != nil {
			t.Fatal(err)
		}
		if len(batch) != confQ {
			t.Fatalf("%d result lists for %d queries", len(batch), confQ)
		}
		var sum float64
		for i := range batch {
			single, _ := idx.Search(f.query(i), confK, Params{})
			if v.exact || v.kind == KindHNSW {
				// Same candidates either way (Flat may differ in float rounding).
				a, b := ids(batch[i]), ids(single)
				if v.kind == KindHNSW && !slices.Equal(a, b) {
					t.Fatalf("query %d: batch %v, single %v", i, a, b)
				}
			}
			sum += f.check(t, v, m, f.query(i), batch[i], oracle(m, f.items, f.query(i), nil), confK)
		}
		if r := sum / confQ; r < v.recall {
			t.Fatalf("batch recall@%d = %.3f, want >= %.3f", confK, r, v.recall)
		}
	})

	t.Run("SearchByID", func(t *testing.T) {
		// Eighty stored vectors, so that a few poorly linked items do not
		// decide the figure (four gave 0.925 and twenty 0.945 with parallel
		// builds under load, against a bar of 0.95).
		var sum float64
		var byID []int
		for i := 7; i < confN; i += confN / 80 {
			byID = append(byID, i)
		}
		for _, i := range byID {
			id := "v" + strconv.Itoa(i)
			got, err := idx.SearchByID(id, confK, Params{})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range got {
				if r.ID == id {
					t.Fatalf("search by %s returned itself", id)
				}
			}
			self := f.items[id].Vector
			want := oracle(m, f.items, self, func(it Item) bool { return it.ID != id })
			sum += f.check(t, v, m, self, got, want, confK)
		}
		if r := sum / float64(len(byID)); r < v.recall {
			t.Fatalf("search-by-ID recall %.3f over %d items, want >= %.3f", r, len(byID), v.recall)
		}
		if _, err := idx.SearchByID("nope", confK, Params{}); err == nil {
			t.Fatal("search by a missing ID: no error")
		}
	})

	t.Run("Filter", func(t *testing.T) {
		match := func(field, value string) func(Item) bool {
			return func(it Item) bool { return f.fields[it.ID][field] == value }
		}
		tests := []struct {
			name   string
			filter string
			keep   func(Item) bool
			count  int // expected number of results
		}{
			{"genre", `{"field":"genre","equals":"g3"}`, match("genre", `"g3"`), confK},
			{"number as float", `{"field":"n","equals":7.0}`, match("n", "7"), 1},
			{"rare", `{"field":"rare","equals":true}`, match("rare", "true"), confK},
			{"none", `{"field":"genre","equals":"zz"}`, func(Item) bool { return false }, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				flt, err := ParseFilter([]byte(tt.filter))
				if err != nil {
					t.Fatal(err)
				}
				var sum float64
				for i := 0; i < 10; i++ {
					q := f.query(i)
					got, err := idx.Search(q, confK, Params{Filter: flt})
					if err != nil {
						t.Fatal(err)
					}
					if len(got) != tt.count {
						t.Fatalf("query %d: %d results, want %d", i, len(got), tt.count)
					}
					for _, r := range got {
						if !tt.keep(f.items[r.ID]) {
							t.Fatalf("result %s (meta %s) does not match the filter", r.ID, f.items[r.ID].Meta)
						}
					}
					sum += f.check(t, v, m, q, got, oracle(m, f.items, q, tt.keep), confK)
				}
				if r := sum / 10; r < v.recall {
					t.Fatalf("filtered recall %.3f, want >= %.3f", r, v.recall)
				}
				batch, err := idx.SearchBatch(f.queries[:3*confDim], confK, Params{Filter: flt})
				if err != nil || len(batch) != 3 || len(batch[0]) != tt.count {
					t.Fatalf("filtered batch: %v results, err %v", len(batch), err)
				}
			})
		}
		if _, err := idx.Search(f.query(0), 3, Params{Filter: &Filter{Field: "genre"}}); err == nil {
			t.Fatal("filter without a value: no error")
		}
	})

	t.Run("Snapshot", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteSnapshot(&buf, idx); err != nil {
			t.Fatal(err)
		}
		back, err := ReadSnapshot(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
		if err != nil {
			t.Fatal(err)
		}
		if back.Len() != idx.Len() || back.Metric() != m || back.Dim() != confDim {
			t.Fatalf("read back Len %d Metric %v Dim %d", back.Len(), back.Metric(), back.Dim())
		}
		for i := 0; i < confQ; i++ {
			a, _ := idx.Search(f.query(i), confK, Params{})
			b, _ := back.Search(f.query(i), confK, Params{})
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Fatalf("query %d: before %v, after %v", i, a, b)
			}
		}
		it, ok := back.Get("v5")
		if want := f.items["v5"]; !ok || string(it.Meta) != string(want.Meta) {
			t.Fatalf("Get after snapshot: %v %v", it, ok)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		if _, err := idx.Search(make([]float32, confDim+1), confK, Params{}); err == nil {
			t.Error("query of the wrong dimension: no error")
		}
		if _, err := idx.Search(f.query(0), 0, Params{}); err == nil {
			t.Error("k = 0: no error")
		}
		nan := slices.Clone(f.query(0))
		nan[3] = float32(math.NaN())
		if _, err := idx.Search(nan, confK, Params{}); err == nil {
			t.Error("NaN query: no error")
		}
		if _, err := idx.SearchBatch(make([]float32, confDim+1), confK, Params{}); err == nil {
			t.Error("ragged batch: no error")
		}
		bad := []Item{
			{ID: "", Vector: make([]float32, confDim)},
			{ID: "x", Vector: make([]float32, confDim-1)},
			{ID: "x", Vector: make([]float32, confDim), Meta: json.RawMessage(`{bad`)},
		}
		for i, it := range bad {
			if err := idx.Upsert(it); err == nil {
				t.Errorf("bad item %d: no error", i)
			}
		}
		if idx.Len() != confN {
			t.Fatalf("failed writes changed Len to %d", idx.Len())
		}
	})

	// Last: this subtest changes the index.
	t.Run("DeleteUpsert", func(t *testing.T) {
		var del []string
		for i := 0; i < confN; i += 7 {
			del = append(del, "v"+strconv.Itoa(i))
		}
		n, err := idx.Delete(append(del, "missing")...)
		if err != nil || n != len(del) {
			t.Fatalf("Delete = %d, %v; want %d", n, err, len(del))
		}
		for _, id := range del {
			delete(f.items, id)
			if _, ok := idx.Get(id); ok {
				t.Fatalf("Get(%s) after delete", id)
			}
		}
		if n, _ := idx.Delete(del[0]); n != 0 {
			t.Fatalf("second delete of %s counted %d", del[0], n)
		}
		if idx.Len() != len(f.items) {
			t.Fatalf("Len %d, want %d", idx.Len(), len(f.items))
		}
		// Add fails atomically on an existing ID.
		if err := idx.Add(Item{ID: "fresh", Vector: f.query(0)}, Item{ID: "v1", Vector: f.query(0)}); err == nil {
			t.Fatal("Add of an existing ID: no error")
		}
		if _, ok := idx.Get("fresh"); ok {
			t.Fatal("failed Add left an item behind")
		}
		// Upsert replaces v1 (moving it onto query 0) and re-adds deleted v7.
		q0 := f.query(0)
		up := []Item{
			{ID: "v1", Vector: slices.Clone(q0), Meta: json.RawMessage(`{"genre":"moved"}`)},
			{ID: "v7", Vector: slices.Clone(f.query(1))},
		}
		if err := idx.Upsert(up...); err != nil {
			t.Fatal(err)
		}
		for _, it := range up {
			f.items[it.ID] = it
		}
		if idx.Len() != len(f.items) {
			t.Fatalf("Len after upsert %d, want %d", idx.Len(), len(f.items))
		}
		got, _ := idx.Get("v1")
		minCos := 0.999
		if v.quant != NoQuant && v.rerank == 0 {
			minCos = 0.98 // decoded from codes (clamped to the fitted range)
		}
		if string(got.Meta) != `{"genre":"moved"}` || -oracleDist(Cosine, got.Vector, q0) < minCos {
			t.Fatalf("Get(v1) after upsert: %v", got)
		}
		top, _ := idx.Search(q0, 1, Params{})
		if len(top) != 1 || top[0].ID != "v1" && m != Dot {
			t.Fatalf("query 0 top hit %v, want the upserted v1", top)
		}
		moved, _ := idx.Search(q0, confK, Params{Filter: &Filter{Field: "genre", Equals: json.RawMessage(`"moved"`)}})
		if len(moved) != 1 || moved[0].ID != "v1" {
			t.Fatalf("filter on the upserted meta: %v", moved)
		}
		var sum float64
		for i := 0; i < confQ; i++ {
			q := f.query(i)
			res, err := idx.Search(q, confK, Params{})
			if err != nil {
				t.Fatal(err)
			}
			sum += f.check(t, v, m, q, res, oracle(m, f.items, q, nil), confK)
		}
		if r := sum / confQ; r < v.recall {
			t.Fatalf("recall after deletes %.3f, want >= %.3f", r, v.recall)
		}
		// Deleting everything leaves an empty, searchable index.
		all := make([]string, 0, len(f.items))
		for id := range f.items {
			all = append(all, id)
		}
		if n, _ := idx.Delete(all...); n != len(all) || idx.Len() != 0 {
			t.Fatalf("delete all: %d of %d, Len %d", n, len(all), idx.Len())
		}
		if res, err := idx.Search(q0, confK, Params{}); err != nil || len(res) != 0 {
			t.Fatalf("search of an empty index: %v %v", res, err)
		}
		// And it takes new items again.
		again := smallItems("again", 30, confDim, 4)
		must(t, idx.Add(again...))
		f.items = map[string]Item{}
		for _, it := range again {
			f.items[it.ID] = it
		}
		res, err := idx.Search(again[3].Vector, 5, Params{})
		must(t, err)
		if len(res) != 5 || res[0].ID != "again3" && v.quant == NoQuant && m != Dot {
			t.Fatalf("after refilling: %v", ids(res))
		}
	})
}
