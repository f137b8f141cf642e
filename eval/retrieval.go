package eval

import "fmt"

// RetrievalConfig configures Retrieval and RetrievalSelf.
type RetrievalConfig struct {
	// Similarity ranks references for each query; the zero value is Cosine.
	Similarity Similarity
	// RecallK lists the cut-offs k of Recall@k, e.g. {1, 2, 4, 8}; may be empty.
	RecallK []int
	// ChunkRows is how many queries are scored per Sgemm call; 0 sizes chunks
	// so that one chunk of scores stays within 32 MiB.
	ChunkRows int
}

// RetrievalResult holds the metrics of Musgrave et al. 2020, "A Metric Learning
// Reality Check" (arXiv 2003.08505), averaged over the counted queries.
//
// For a query with R relevant references (same label; the query itself
// excluded in leave-one-out mode), ranked by descending similarity:
//
//	Precision@1 = 1 if the top reference is relevant
//	R-Precision = r/R, r = relevant references among the top R
//	MAP@R       = (1/R) Σ_{i=1..R} P(i)·rel(i), P(i) = precision of the top i
//	Recall@k    = 1 if any of the top k references is relevant
//	              (the "Recall@K" of Song et al. 2016, arXiv 1511.06452)
//
// Queries whose label has no relevant reference are not counted (Skipped).
// Equal similarities are ranked by ascending reference index.
type RetrievalResult struct {
	PrecisionAt1 float64
	RPrecision   float64
	MAPAtR       float64
	RecallAtK    []float64 // one per RetrievalConfig.RecallK entry, same order
	Queries      int       // queries counted
	Skipped      int       // queries without any relevant reference
}

// Retrieval ranks ref (nr, d) for every row of query (nq, d) and scores the
// rankings with the labels (nq,) and (nr,). The query set is kept apart from
// the reference set.
func Retrieval(query Matrix, queryLabels []int, ref Matrix, refLabels []int, cfg RetrievalConfig) (RetrievalResult, error) {
	const op = "retrieval"
	if err := query.checkNonEmpty(op, "query", 1); err != nil {
		return RetrievalResult{}, err
	}
	if err := ref.checkNonEmpty(op, "reference", 1); err != nil {
		return RetrievalResult{}, err
	}
	if query.Cols != ref.Cols {
		return RetrievalResult{}, fmt.Errorf("eval: retrieval: query dim %d, reference dim %d: %w", query.Cols, ref.Cols, ErrShape)
	}
	if err := checkLabels(op, "query labels", queryLabels, query.Rows); err != nil {
		return RetrievalResult{}, err
	}
	if err := checkLabels(op, "reference labels", refLabels, ref.Rows); err != nil {
		return RetrievalResult{}, err
	}
	return retrieve(query, queryLabels, ref, refLabels, false, cfg)
}

// RetrievalSelf is leave-one-out retrieval on one labelled set x (n, d): each
// row queries the other n-1 rows.
func RetrievalSelf(x Matrix, labels []int, cfg RetrievalConfig) (RetrievalResult, error) {
	const op = "retrieval self"
	if err := x.checkNonEmpty(op, "x", 2); err != nil {
		return RetrievalResult{}, err
	}
	if err := checkLabels(op, "labels", labels, x.Rows); err != nil {
		return RetrievalResult{}, err
	}
	return retrieve(x, labels, x, labels, true, cfg)
}

func retrieve(query Matrix, queryLabels []int, ref Matrix, refLabels []int, self bool, cfg RetrievalConfig) (RetrievalResult, error) {
	if !cfg.Similarity.valid() || cfg.ChunkRows < 0 {
		return RetrievalResult{}, fmt.Errorf("eval: retrieval: similarity %v, ChunkRows %d: %w", cfg.Similarity, cfg.ChunkRows, ErrConfig)
	}
	kmax := 1
	for _, k := range cfg.RecallK {
		if k < 1 {
			return RetrievalResult{}, fmt.Errorf("eval: retrieval: Recall@%d: %w", k, ErrConfig)
		}
		kmax = max(kmax, k)
	}
	classes, dense := denseLabels(queryLabels, refLabels)
	qIDs, rIDs := dense[0], dense[1]
	count := make([]int, len(classes))
	for _, c := range rIDs {
		count[c]++
	}

	sc := newScorer(cfg.Similarity, ref)
	q := sc.ref
	if !self {
		q = sc.queries(query)
	}
	nk := len(cfg.RecallK)
	p1 := make([]float64, query.Rows)
	rp := make([]float64, query.Rows)
	mapr := make([]float64, query.Rows)
	rec := make([]float64, query.Rows*nk)
	counted := make([]bool, query.Rows)
	sc.scan(q, query.Rows, sc.chunkRows(query.Rows, cfg.ChunkRows), func(lo, hi int, rows []float32) {
		var nb []int32
		for i := lo; i < hi; i++ {
			y := qIDs[i]
			R := count[y]
			skip := -1
			if self {
				skip = i
				R--
			}
			if R <= 0 {
				continue
			}
			counted[i] = true
			nb = topK(nb, rows[(i-lo)*ref.Rows:(i-lo+1)*ref.Rows], max(R, kmax), skip)
			if rIDs[nb[0]] == y {
				p1[i] = 1
			}
			hits := 0
			var ap float64
			for rank, j := range nb[:R] {
				if rIDs[j] == y {
					hits++
					ap += float64(hits) / float64(rank+1)
				}
			}
			rp[i] = float64(hits) / float64(R)
			mapr[i] = ap / float64(R)
			for t, k := range cfg.RecallK {
				for _, j := range nb[:min(k, len(nb))] {
					if rIDs[j] == y {
						rec[i*nk+t] = 1
						break
					}
				}
			}
		}
	})

	res := RetrievalResult{RecallAtK: make([]float64, nk)}
	for i, ok := range counted {
		if !ok {
			res.Skipped++
			continue
		}
		res.Queries++
		res.PrecisionAt1 += p1[i]
		res.RPrecision += rp[i]
		res.MAPAtR += mapr[i]
		for t := range nk {
			res.RecallAtK[t] += rec[i*nk+t]
		}
	}
	if res.Queries == 0 {
		return RetrievalResult{}, fmt.Errorf("eval: retrieval: no query has a relevant reference: %w", ErrUndefined)
	}
	n := float64(res.Queries)
	res.PrecisionAt1 /= n
	res.RPrecision /= n
	res.MAPAtR /= n
	for t := range nk {
		res.RecallAtK[t] /= n
	}
	return res, nil
}
