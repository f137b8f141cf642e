package eval

import (
	"fmt"
	"math"
)

// KNNConfig configures weighted k-nearest-neighbour classification
// (Wu et al. 2018, "Unsupervised Feature Learning via Non-Parametric Instance
// Discrimination", arXiv 1805.01978; the kNN monitor used with SimCLR, MoCo and
// DINO). Features are L2-normalised; the K references with the highest cosine
// similarity s vote exp(s / Temperature) for their class; the class with the
// largest total wins (ties go to the smallest label).
type KNNConfig struct {
	// K is the number of neighbours; 0 means 200. Larger than the reference set
	// means "all references".
	K int
	// Temperature scales the vote weights exp(s/T); 0 means 0.1.
	Temperature float64
	// ChunkRows is how many queries are scored per Sgemm call; 0 sizes chunks so
	// that one chunk of scores stays within 32 MiB.
	ChunkRows int
}

// DefaultKNN returns the conventional configuration: K = 200, Temperature = 0.1.
func DefaultKNN() KNNConfig { return KNNConfig{K: 200, Temperature: 0.1} }

func (c KNNConfig) withDefaults() (KNNConfig, error) {
	if c.K == 0 {
		c.K = 200
	}
	if c.Temperature == 0 {
		c.Temperature = 0.1
	}
	if c.K < 0 || c.ChunkRows < 0 || !(c.Temperature > 0) || math.IsInf(c.Temperature, 0) {
		return c, fmt.Errorf("eval: knn: K=%d Temperature=%g ChunkRows=%d: %w", c.K, c.Temperature, c.ChunkRows, ErrConfig)
	}
	return c, nil
}

// KNNResult holds predictions and accuracy of a kNN evaluation.
type KNNResult struct {
	Predictions []int   // predicted label per query, (queries,)
	Correct     int     // queries whose prediction equals their label
	Accuracy    float64 // Correct / queries
}

// KNNClassify predicts a label for every row of query, (nq, d), from the
// labelled reference set ref, (nr, d), with refLabels (nr,).
func KNNClassify(query, ref Matrix, refLabels []int, cfg KNNConfig) ([]int, error) {
	const op = "knn"
	if err := query.checkNonEmpty(op, "query", 1); err != nil {
		return nil, err
	}
	if err := ref.checkNonEmpty(op, "reference", 1); err != nil {
		return nil, err
	}
	if query.Cols != ref.Cols {
		return nil, fmt.Errorf("eval: knn: query dim %d, reference dim %d: %w", query.Cols, ref.Cols, ErrShape)
	}
	if err := checkLabels(op, "reference labels", refLabels, ref.Rows); err != nil {
		return nil, err
	}
	return knnPredict(query, ref, refLabels, false, cfg)
}

// KNNEvaluate classifies query (nq, d) against ref (nr, d) and scores the
// predictions against queryLabels (nq,). Query and reference sets are kept
// apart: no query is ever its own neighbour unless it is also a reference row.
func KNNEvaluate(query Matrix, queryLabels []int, ref Matrix, refLabels []int, cfg KNNConfig) (KNNResult, error) {
	if err := checkLabels("knn", "query labels", queryLabels, query.Rows); err != nil {
		return KNNResult{}, err
	}
	pred, err := KNNClassify(query, ref, refLabels, cfg)
	if err != nil {
		return KNNResult{}, err
	}
	return scorePredictions(pred, queryLabels), nil
}

// KNNEvaluateSelf is leave-one-out kNN on one labelled set x (n, d): every row
// is classified by the other n-1 rows (its own row is excluded, duplicates of it
// are not).
func KNNEvaluateSelf(x Matrix, labels []int, cfg KNNConfig) (KNNResult, error) {
	const op = "knn self"
	if err := x.checkNonEmpty(op, "x", 2); err != nil {
		return KNNResult{}, err
	}
	if err := checkLabels(op, "labels", labels, x.Rows); err != nil {
		return KNNResult{}, err
	}
	pred, err := knnPredict(x, x, labels, true, cfg)
	if err != nil {
		return KNNResult{}, err
	}
	return scorePredictions(pred, labels), nil
}

func scorePredictions(pred, labels []int) KNNResult {
	r := KNNResult{Predictions: pred}
	for i, p := range pred {
		if p == labels[i] {
			r.Correct++
		}
	}
	r.Accuracy = float64(r.Correct) / float64(len(pred))
	return r
}

// knnPredict runs the chunked, parallel scan; self excludes query i from its own
// neighbours (query and ref are then the same matrix).
func knnPredict(query, ref Matrix, refLabels []int, self bool, cfg KNNConfig) ([]int, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	classes, dense := denseLabels(refLabels)
	refIDs := dense[0]
	sc := newScorer(Cosine, ref)
	q := sc.ref
	if !self {
		q = sc.queries(query)
	}
	pred := make([]int, query.Rows)
	invT := 1 / cfg.Temperature
	sc.scan(q, query.Rows, sc.chunkRows(query.Rows, cfg.ChunkRows), func(lo, hi int, rows []float32) {
		nb := make([]int32, 0, min(cfg.K, ref.Rows))
		votes := make([]float64, len(classes))
		for i := lo; i < hi; i++ {
			scores := rows[(i-lo)*ref.Rows : (i-lo+1)*ref.Rows]
			skip := -1
			if self {
				skip = i
			}
			nb = topK(nb, scores, cfg.K, skip)
			clear(votes)
			if len(nb) == 0 {
				pred[i] = classes[0]
				continue
			}
			// exp((s - s_max)/T): the common factor exp(s_max/T) does not
			// change the argmax and this cannot overflow for small T.
			top := float64(scores[nb[0]])
			for _, j := range nb {
				votes[refIDs[j]] += math.Exp((float64(scores[j]) - top) * invT)
			}
			best := 0
			for c, v := range votes {
				if v > votes[best] {
					best = c
				}
			}
			pred[i] = classes[best]
		}
	})
	return pred, nil
}
