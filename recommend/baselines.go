package recommend

import "math"

// Popularity is the most-popular baseline: every user gets the items ranked by
// their number of training interactions.
type Popularity struct{ Count []float32 }

// NewPopularity counts the items of the training sequences.
func NewPopularity(train [][]int, numItems int) *Popularity {
	p := &Popularity{Count: make([]float32, numItems)}
	for _, seq := range train {
		for _, it := range seq {
			p.Count[it]++
		}
	}
	return p
}

// Score writes the counts into out (len numItems), whatever the history.
func (p *Popularity) Score(_ []int, out []float32) { copy(out, p.Count) }

// ItemKNN is item-based collaborative filtering with cosine similarity on the
// binary co-rating matrix (Sarwar et al. 2001, "Item-Based Collaborative
// Filtering Recommendation Algorithms", WWW; Deshpande & Karypis 2004): with
// U_i the training users of item i,
//
//	sim(i, j) = |U_i ∩ U_j| / sqrt(|U_i|·|U_j|)
//
// and a user with history H scores item j by Σ_{i in H} sim(i, j), every
// neighbour kept. The score is computed without the (items, items) matrix, as
// sim's numerator factorises through the users:
// Σ_i sim(i, j) = Σ_v [j in I_v]/sqrt(|U_j|) · Σ_{i in H ∩ I_v} 1/sqrt(|U_i|),
// two sparse passes over the training interactions per user.
type ItemKNN struct {
	train   [][]int // per user, training items
	users   [][]int // per item, training users
	invSqrt []float64
	w       []float64 // per user, scratch
	acc     []float64 // per item, scratch
}

// NewItemKNN indexes the training sequences (each user's items distinct).
func NewItemKNN(train [][]int, numItems int) *ItemKNN {
	k := &ItemKNN{train: train, users: make([][]int, numItems), invSqrt: make([]float64, numItems),
		w: make([]float64, len(train)), acc: make([]float64, numItems)}
	for u, seq := range train {
		for _, it := range seq {
			k.users[it] = append(k.users[it], u)
		}
	}
	for it, us := range k.users {
		if len(us) > 0 {
			k.invSqrt[it] = 1 / math.Sqrt(float64(len(us)))
		}
	}
	return k
}

// Score writes Σ_{i in history} sim(i, j) into out[j] for every item j. Items
// repeated in history count once per occurrence. Not safe for concurrent use.
func (k *ItemKNN) Score(history []int, out []float32) { k.ScoreWeighted(history, nil, out) }

// ScoreWeighted writes Σ_n weight[n]·sim(history[n], j) into out[j]; a nil
// weight means all ones.
func (k *ItemKNN) ScoreWeighted(history []int, weight []float64, out []float32) {
	clear(k.w)
	clear(k.acc)
	for n, i := range history {
		x := k.invSqrt[i]
		if weight != nil {
			x *= weight[n]
		}
		for _, v := range k.users[i] {
			k.w[v] += x
		}
	}
	for v, wv := range k.w {
		if wv == 0 {
			continue
		}
		for _, j := range k.train[v] {
			k.acc[j] += wv
		}
	}
	for j, a := range k.acc {
		out[j] = float32(a * k.invSqrt[j])
	}
}

// RecentItemKNN is ItemKNN restricted to the model's view of a history: the
// last Window items with the user tower's pooling weights. It is not one of
// the baselines; it tells how much of the model's lead comes from
// looking at recent items only.
type RecentItemKNN struct {
	KNN      *ItemKNN
	Window   int
	Pooling  Pooling
	HalfLife float64
}

// Score writes the recency-weighted item-kNN scores into out.
func (r RecentItemKNN) Score(history []int, out []float32) {
	h, w := poolWeights(history, r.Window, r.Pooling, r.HalfLife)
	r.KNN.ScoreWeighted(h, w, out)
}
