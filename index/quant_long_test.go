package index

import (
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestFitOrderRecall measures what the int8 fit costs at scale, the figures
// quoted by MinQuantFit, driftRate and NOTES.md: 20,000 clustered vectors
// (32 dimensions, 50 clusters; 200 queries; recall@10 against the float64
// oracle, Flat index) fitted on their first m (64, 256, 1,024, 4,096) or on
// all; and written 100 at a time sorted by their first component into a DB
// with Rerank 1 and 2 (the share of later components clamped logged), before
// and after the compaction that refits. It takes about half a minute, so it
// runs only with CONTRAST_LONG=1:
//
//	CONTRAST_LONG=1 go test -run TestFitOrderRecall -v ./index
func TestFitOrderRecall(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") != "1" {
		t.Skip("half a minute of measurement; set CONTRAST_LONG=1")
	}
	const n, d, nq, k = 20000, 32, 200, 10
	base, queries := clustered(n, d, nq, 50, 21)
	items := itemsOf(base, d)
	all := byID(items)
	recall := func(idx Index, m Metric) float64 {
		var sum float64
		for i := range nq {
			q := queries[i*d : (i+1)*d]
			got, err := idx.Search(q, k, Params{})
			must(t, err)
			sum += recallOf(got, oracleTop(m, all, q, k), k)
		}
		return sum / nq
	}
	for _, m := range []Metric{Cosine, L2} {
		fitted := map[int]float64{}
		for _, first := range []int{64, 256, MinQuantFit, 4096, n} {
			idx, err := New(KindFlat, Config{Dim: d, Metric: m, Quantization: Int8PerDim})
			must(t, err)
			fitOn(idx, items[:first])
			must(t, idx.Upsert(items...))
			fitted[first] = recall(idx, m)
			t.Logf("%v: fitted on the first %d, recall@%d %.3f", m, first, k, fitted[first])
		}
		if fitted[MinQuantFit] < fitted[n]-0.02 || fitted[64] > fitted[MinQuantFit]-0.05 {
			t.Errorf("%v: recall fitted on %d %.3f, on 64 %.3f, on all %.3f: want the first within 0.02 of all and 64 well below",
				m, MinQuantFit, fitted[MinQuantFit], fitted[64], fitted[n])
		}

		sorted := slices.Clone(items)
		slices.SortFunc(sorted, func(a, b Item) int { return cmp.Compare(a.Vector[0], b.Vector[0]) })
		for _, rerank := range []int{1, 2} {
			db, err := Open(filepath.Join(t.TempDir(), "db"), Options{Kind: KindFlat,
				Config: Config{Dim: d, Metric: m, Quantization: Int8PerDim, Rerank: rerank}, Sync: SyncNever})
			must(t, err)
			for i := 0; i < n; i += 100 {
				must(t, db.Upsert(sorted[i:i+100]...))
			}
			before := recall(db, m)
			st := storeOf(db)
			share := float64(st.clamped) / float64(st.written)
			must(t, db.Compact())
			after := recall(db, m)
			must(t, db.Close())
			t.Logf("%v: sorted writes, rerank %d: %.1f%% of later components clamped, recall@%d %.3f, after the refitting compaction %.3f",
				m, rerank, 100*share, k, before, after)
			if after < fitted[n]-0.01 || after <= before {
				t.Errorf("%v rerank %d: recall %.3f after the refit (%.3f before), want at least the all-fitted %.3f less 0.01", m, rerank, after, before, fitted[n])
			}
		}
	}
}
