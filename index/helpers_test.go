package index

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// clustered draws n base and nq query vectors from Gaussian clusters, as the
// reference script's synthetic data: centres ~ N(0, 1), points = centre +
// 0.5 * N(0, 1).
func clustered(n, d, nq, centres int, seed uint64) (base, queries []float32) {
	r := rand.New(rand.NewPCG(seed, 42))
	c := make([]float32, centres*d)
	for i := range c {
		c[i] = float32(r.NormFloat64())
	}
	draw := func(m int) []float32 {
		out := make([]float32, m*d)
		for i := 0; i < m; i++ {
			ci := r.IntN(centres)
			for j := 0; j < d; j++ {
				out[i*d+j] = c[ci*d+j] + 0.5*float32(r.NormFloat64())
			}
		}
		return out
	}
	return draw(n), draw(nq)
}

func itemsOf(base []float32, d int) []Item {
	items := make([]Item, len(base)/d)
	for i := range items {
		items[i] = Item{ID: "v" + strconv.Itoa(i), Vector: base[i*d : (i+1)*d : (i+1)*d]}
	}
	return items
}

// oracle is the naive float64 brute-force search: a list of (id, distance)
// over live items, best first; distances lower-is-better (negated similarity
// for cosine and dot).
type oracleHit struct {
	id string
	d  float64
}

func oracleDist(m Metric, q, x []float32) float64 {
	switch m {
	case L2:
		var s float64
		for i := range q {
			d := float64(q[i]) - float64(x[i])
			s += d * d
		}
		return s
	case Cosine:
		var dot, nq, nx float64
		for i := range q {
			dot += float64(q[i]) * float64(x[i])
			nq += float64(q[i]) * float64(q[i])
			nx += float64(x[i]) * float64(x[i])
		}
		if nq == 0 || nx == 0 {
			return 0
		}
		return -dot / (sqrt(nq) * sqrt(nx))
	default:
		var dot float64
		for i := range q {
			dot += float64(q[i]) * float64(x[i])
		}
		return -dot
	}
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// oracle ranks every item in items (map id -> vector) for q, with keep
// deciding which items are eligible.
func oracle(m Metric, items map[string]Item, q []float32, keep func(Item) bool) []oracleHit {
	var hits []oracleHit
	for id, it := range items {
		if keep != nil && !keep(it) {
			continue
		}
		hits = append(hits, oracleHit{id, oracleDist(m, q, it.Vector)})
	}
	slices.SortFunc(hits, func(a, b oracleHit) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	return hits
}

// recallOf is |got ∩ want[:k]| / min(k, len(want)).
func recallOf(got []Result, want []oracleHit, k int) float64 {
	k = min(k, len(want))
	if k == 0 {
		return 1
	}
	set := map[string]bool{}
	for _, h := range want[:k] {
		set[h.id] = true
	}
	hit := 0
	for _, r := range got {
		if set[r.ID] {
			hit++
		}
	}
	return float64(hit) / float64(k)
}

func ids(rs []Result) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID
	}
	return out
}

// fitOn fits the quantizer of idx (a *Flat or *HNSW, not yet fitted) on its
// live items and items, as a write of items that fits would, before they
// are written: tests fit with it where MinQuantFit would not, as the builds
// to the sixth session did at 64 items.
func fitOn(idx Index, items []Item) {
	st := storeOf(idx)
	st.setQuant(st.fitWith(items, nil))
}
