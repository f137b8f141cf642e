package recommend

import "math"

// Ranking metrics for one held-out item per user, computed over a whole
// candidate set (no sampled negatives: Krichene & Rendle 2020, "On Sampled
// Metrics for Item Recommendation", KDD). With a single relevant item,
// Recall@K is the hit rate: 1 when the item ranks in the top K. NDCG@K is
// 1/log2(rank+2) for a zero-based rank below K (the ideal DCG is 1).
//
// Ties are broken at random, in expectation: a target with `above` candidates
// scoring strictly higher and `ties` other candidates scoring the same is
// equally likely to sit at any rank in [above, above+ties]. This makes a
// constant scorer (popularity over items nobody rated) score what a random
// ranking would, not 0 or 1 depending on an arbitrary order.

// rankOf returns how many candidates (cand[j], not excluded, j != target)
// score strictly above scores[target] and how many score the same. A NaN score
// counts as below everything.
func rankOf(scores []float32, target int, cand func(j int) bool) (above, ties int) {
	st := scores[target]
	if st != st {
		st = float32(math.Inf(-1))
	}
	for j, s := range scores {
		if j == target || !cand(j) || s != s {
			continue
		}
		if s > st {
			above++
		} else if s == st {
			ties++
		}
	}
	return above, ties
}

// recallAt is the expected Recall@k (hit rate) of a target ranked after above
// candidates and tied with ties others.
func recallAt(above, ties, k int) float64 {
	if above >= k {
		return 0
	}
	return math.Min(1, float64(k-above)/float64(ties+1))
}

// ndcgAt is the expected NDCG@k of the same target.
func ndcgAt(above, ties, k int) float64 {
	var s float64
	for r := above; r < k && r <= above+ties; r++ {
		s += 1 / math.Log2(float64(r)+2)
	}
	return s / float64(ties+1)
}

// accum averages the metrics of many users, keeping each user's Recall@10
// and NDCG@10 for paired comparisons.
type accum struct {
	n             int
	r10, r20, n10 float64
	perR10        []float64
	perN10        []float64
}

func (a *accum) add(above, ties int) {
	r10, n10 := recallAt(above, ties, 10), ndcgAt(above, ties, 10)
	a.n++
	a.r10 += r10
	a.r20 += recallAt(above, ties, 20)
	a.n10 += n10
	a.perR10 = append(a.perR10, r10)
	a.perN10 = append(a.perN10, n10)
}

// pairedLead returns the mean of x[i]-y[i] and the half-width of its normal
// 95% confidence interval (1.96 standard errors of the mean difference):
// the users are the same, so the comparison is paired.
func pairedLead(x, y []float64) (mean, ci95 float64) {
	n := len(x)
	if n == 0 || len(y) != n {
		return 0, 0
	}
	for i := range x {
		mean += x[i] - y[i]
	}
	mean /= float64(n)
	if n < 2 {
		return mean, 0
	}
	var ss float64
	for i := range x {
		d := x[i] - y[i] - mean
		ss += d * d
	}
	return mean, 1.96 * math.Sqrt(ss/float64(n-1)/float64(n))
}

// into writes prefix+recall_at_10 etc. into m (nothing when no user counted).
func (a *accum) into(m map[string]float64, prefix string) {
	m[prefix+"users"] = float64(a.n)
	if a.n == 0 {
		return
	}
	n := float64(a.n)
	m[prefix+"recall_at_10"] = a.r10 / n
	m[prefix+"recall_at_20"] = a.r20 / n
	m[prefix+"ndcg_at_10"] = a.n10 / n
}
