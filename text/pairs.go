package text

import (
	"fmt"
	"math/rand/v2"
	"path/filepath"

	"github.com/contrast-ml/contrast/data"
)

// pair is a training pair with its score scaled to [0, 1] and its source group.
type pair struct {
	a, b  string
	score float32
	group int
}

// loadPairs reads a data spec, resolving a relative path against root.
func loadPairs(spec, root string) (*data.ScoredPairs, error) {
	sp, err := data.ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	if root != "" && sp.Path != "" && !filepath.IsAbs(sp.Path) {
		sp.Path = filepath.Join(root, sp.Path)
	}
	set, err := data.Load(sp)
	if err != nil {
		return nil, err
	}
	var out *data.ScoredPairs
	for _, s := range set.Splits {
		if s.Pairs == nil {
			return nil, fmt.Errorf("text: %s is not a sentence-pair source", spec)
		}
		if out == nil {
			out = s.Pairs
		} else {
			out.Pairs = append(out.Pairs, s.Pairs.Pairs...)
		}
	}
	if out == nil || out.Len() == 0 {
		return nil, fmt.Errorf("text: %s holds no scored pairs", spec)
	}
	return out, nil
}

// scaled returns the pairs' scores mapped to [0, 1] by the source's nominal
// range (min-max of the scores when the range is unknown).
func scaled(p *data.ScoredPairs) []float32 {
	lo, hi := p.ScoreMin, p.ScoreMax
	if !(hi > lo) {
		lo, hi = p.Pairs[0].Score, p.Pairs[0].Score
		for _, q := range p.Pairs {
			lo, hi = min(lo, q.Score), max(hi, q.Score)
		}
	}
	out := make([]float32, p.Len())
	for i, q := range p.Pairs {
		if hi > lo {
			out[i] = float32((q.Score - lo) / (hi - lo))
		}
	}
	return out
}

// batchPlan cuts the items of each group into shuffled batches of size n
// (the last, smaller batch of a group kept when it has at least two items)
// and shuffles the batch order; byGroup false pools the groups first.
func batchPlan(groups [][]int, n int, byGroup bool, rng *rand.Rand) [][]int {
	if !byGroup {
		var all []int
		for _, g := range groups {
			all = append(all, g...)
		}
		groups = [][]int{all}
	}
	var out [][]int
	for _, g := range groups {
		g = append([]int(nil), g...)
		rng.Shuffle(len(g), func(i, j int) { g[i], g[j] = g[j], g[i] })
		for lo := 0; lo < len(g); lo += n {
			if b := g[lo:min(lo+n, len(g))]; len(b) >= 2 {
				out = append(out, b)
			}
		}
	}
	rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// dedupeBatches moves, within each batch, pairs that repeat a sentence already
// in the batch to a later batch (or drops them at the end), so that in-batch
// negatives are never copies of the positive; batches hold at most size pairs.
func dedupeBatches(batches [][]int, pairs []pair, size int) [][]int {
	var carry []int
	out := make([][]int, 0, len(batches))
	for _, b := range batches {
		seen := map[string]bool{}
		var keep, next []int
		for _, i := range append(carry, b...) {
			p := pairs[i]
			if seen[p.a] || seen[p.b] || len(keep) >= size {
				next = append(next, i)
				continue
			}
			seen[p.a], seen[p.b] = true, true
			keep = append(keep, i)
		}
		carry = next
		if len(keep) >= 2 {
			out = append(out, keep)
		}
	}
	return out
}
