package text

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
)

// embedBatch is the number of sentences encoded per forward pass when
// evaluating or serving.
const embedBatch = 512

// evalSet is a named evaluation source with its pairs split by source file.
type evalSet struct {
	name    string
	sources []string      // metric-key names of the files
	pairs   [][]data.Pair // by source
}

// loadEvalSet reads a NAME=SPEC entry.
func loadEvalSet(entry, root string) (*evalSet, error) {
	name, spec, err := ParseNamedSpec(entry)
	if err != nil {
		return nil, err
	}
	p, err := loadPairs(spec, root)
	if err != nil {
		return nil, err
	}
	return splitSources(name, p), nil
}

func splitSources(name string, p *data.ScoredPairs) *evalSet {
	s := &evalSet{name: name}
	at := map[string]int{}
	for _, q := range p.Pairs {
		i, ok := at[q.Source]
		if !ok {
			i = len(s.sources)
			at[q.Source] = i
			s.sources = append(s.sources, metricName(q.Source))
			s.pairs = append(s.pairs, nil)
		}
		s.pairs[i] = append(s.pairs[i], q)
	}
	return s
}

// Embed returns L2-normalised embeddings (len(sentences), Dim()) of
// sentences, encoded in evaluation mode (no dropout) in batches.
func (m *Model) Embed(sentences []string) [][]float32 {
	out := make([][]float32, len(sentences))
	t := ag.NewTape(false)
	for lo := 0; lo < len(sentences); lo += embedBatch {
		hi := min(lo+embedBatch, len(sentences))
		z := t.L2Normalize(m.Encode(t, sentences[lo:hi]), 1e-12)
		d := z.Shape()[1]
		for i := lo; i < hi; i++ {
			out[i] = append([]float32(nil), z.Value.Data[(i-lo)*d:(i-lo+1)*d]...)
		}
		t.Reset()
	}
	return out
}

// embedder is a Model or an Ensemble.
type embedder interface {
	Embed(sentences []string) [][]float32
	Dim() int
}

// cosines returns the cosine similarity of each pair.
func cosines(m embedder, pairs []data.Pair) []float64 {
	index := map[string]int{}
	var uniq []string
	id := func(s string) int {
		i, ok := index[s]
		if !ok {
			i = len(uniq)
			index[s] = i
			uniq = append(uniq, s)
		}
		return i
	}
	ia, ib := make([]int, len(pairs)), make([]int, len(pairs))
	for k, p := range pairs {
		ia[k], ib[k] = id(p.A), id(p.B)
	}
	emb := m.Embed(uniq)
	out := make([]float64, len(pairs))
	for k := range pairs {
		var s float64
		for j, v := range emb[ia[k]] {
			s += float64(v) * float64(emb[ib[k]][j])
		}
		out[k] = s
	}
	return out
}

// correlations returns the Spearman and Pearson correlation of the model's
// cosines with the gold scores of pairs.
func correlations(m embedder, pairs []data.Pair) (spearman, pearson float64, err error) {
	cos := cosines(m, pairs)
	gold := make([]float64, len(pairs))
	for i, p := range pairs {
		gold[i] = p.Score
	}
	if spearman, err = eval.Spearman(cos, gold); err != nil {
		return 0, 0, err
	}
	if pearson, err = eval.Pearson(cos, gold); err != nil {
		return 0, 0, err
	}
	return spearman, pearson, nil
}

// evaluate adds the set's metrics to into and returns its Spearman (the mean
// over its sources when it has several): spearman_NAME and pearson_NAME, or
// spearman_NAME_SOURCE, ..., spearman_NAME_mean and pearson_NAME_mean.
func evaluate(m embedder, s *evalSet, into map[string]float64) (float64, error) {
	prefix := func(kind string) string {
		if s.name == "" {
			return kind
		}
		return kind + "_" + s.name
	}
	if len(s.pairs) == 1 {
		sp, pe, err := correlations(m, s.pairs[0])
		if err != nil {
			return 0, fmt.Errorf("text: evaluate %s: %w", s.name, err)
		}
		into[prefix("spearman")], into[prefix("pearson")] = sp, pe
		return sp, nil
	}
	var ms, mp float64
	for i, src := range s.pairs {
		sp, pe, err := correlations(m, src)
		if err != nil {
			return 0, fmt.Errorf("text: evaluate %s/%s: %w", s.name, s.sources[i], err)
		}
		into[prefix("spearman")+"_"+s.sources[i]] = sp
		into[prefix("pearson")+"_"+s.sources[i]] = pe
		ms += sp / float64(len(s.pairs))
		mp += pe / float64(len(s.pairs))
	}
	into[prefix("spearman")+"_mean"], into[prefix("pearson")+"_mean"] = ms, mp
	return ms, nil
}

// evaluateAll evaluates every set and returns the mean of their Spearman figures.
func evaluateAll(m embedder, sets []*evalSet, into map[string]float64) (float64, error) {
	if len(sets) == 0 {
		return math.NaN(), nil
	}
	var sum float64
	for _, s := range sets {
		v, err := evaluate(m, s, into)
		if err != nil {
			return 0, err
		}
		sum += v
	}
	return sum / float64(len(sets)), nil
}

// EvalSTS loads the model saved in modelDir and measures it on the scored
// pairs of spec (any data spec of sentence pairs, e.g. sts:FILE_OR_DIR or
// sick:FILE): "spearman" and "pearson" between cosine similarity and the gold
// scores over all pairs, and "pairs"; for a directory of several files also
// "spearman_SOURCE" and "pearson_SOURCE" per file and their means
// "spearman_mean" and "pearson_mean".
func EvalSTS(modelDir, spec string) (map[string]float64, error) {
	m, err := loadAny(modelDir)
	if err != nil {
		return nil, err
	}
	p, err := loadPairs(spec, "")
	if err != nil {
		return nil, err
	}
	s := splitSources("", p)
	out := map[string]float64{"pairs": float64(p.Len())}
	if _, err := evaluate(m, s, out); err != nil {
		return nil, err
	}
	if len(s.pairs) > 1 { // the pooled figures beside the per-file ones
		if out["spearman"], out["pearson"], err = correlations(m, p.Pairs); err != nil {
			return nil, fmt.Errorf("text: evaluate %s: %w", spec, err)
		}
	}
	return out, nil
}
