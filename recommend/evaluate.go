package recommend

import (
	"strings"

	"github.com/contrast-ml/contrast/ag"
)

// evalCase is one held-out interaction: a user's history (the model's input
// and the items excluded from the ranking) and the item to find.
type evalCase struct {
	history []int
	target  int
}

// protocol is a set of cases ranked over the same candidate items.
type protocol struct {
	cases []evalCase
	cand  []bool // candidate items (before excluding each history)
}

// protocols builds, for the validation (forValid) or test interactions, the
// warm protocol (targets not cold, ranked among all items that are not cold)
// and the cold-start protocol (cold targets, ranked among the cold items).
func protocols(s *Split, forValid bool) (warm, cold protocol) {
	n := len(s.Cold)
	warm.cand, cold.cand = make([]bool, n), make([]bool, n)
	for i, c := range s.Cold {
		warm.cand[i], cold.cand[i] = !c, c
	}
	for u := range s.Train {
		target := s.Test[u]
		if forValid {
			target = s.Valid[u]
		}
		if target < 0 {
			continue
		}
		c := evalCase{history: s.History(u, forValid), target: target}
		if s.Cold[target] {
			cold.cases = append(cold.cases, c)
		} else {
			warm.cases = append(warm.cases, c)
		}
	}
	return warm, cold
}

// rank scores every case with score (which fills a row of item scores) and
// averages the metrics; history items are never candidates.
func (p protocol) rank(score func(k int, c evalCase, row []float32)) accum {
	n := len(p.cand)
	row := make([]float32, n)
	excluded := make([]bool, n)
	var a accum
	for k, c := range p.cases {
		score(k, c, row)
		for _, it := range c.history {
			excluded[it] = true
		}
		above, ties := rankOf(row, c.target, func(j int) bool { return p.cand[j] && !excluded[j] })
		a.add(above, ties)
		for _, it := range c.history {
			excluded[it] = false
		}
	}
	return a
}

// scorer is anything that fills a row of item scores from a history.
type scorer interface {
	Score(history []int, out []float32)
}

// rankWith ranks the cases with a history-based scorer.
func (p protocol) rankWith(s scorer) accum {
	return p.rank(func(_ int, c evalCase, row []float32) { s.Score(c.history, row) })
}

// rankModel ranks the cases with the model: one (cases, Dim) x (Dim, items)
// product for all users.
func (p protocol) rankModel(m *Model) accum {
	if len(p.cases) == 0 {
		return accum{}
	}
	t := ag.NewTape(false)
	v := m.itemVectors(t, nil, nil)
	hists := make([][]int, len(p.cases))
	for k, c := range p.cases {
		hists[k] = c.history
	}
	u := m.userVectors(t, v, hists)
	s := t.MatMul(u, v, false, true).Value // (cases, items)
	n := m.NumItems()
	return p.rank(func(k int, _ evalCase, row []float32) { copy(row, s.Data[k*n:(k+1)*n]) })
}

// evalAll writes the model's and, with baselines, the popularity and item-kNN
// figures of the warm and cold protocols into out, keys prefixed by prefix
// ("" for test, "valid_" for validation): recall_at_10, recall_at_20,
// ndcg_at_10, pop_..., itemknn_..., itemknn_recent_... (item-kNN over the
// model's recency-weighted window), coldstart_..., pop_coldstart_...,
// itemknn_coldstart_..., and the model's paired lead over each baseline
// with its 95% interval (lead_over_itemknn_recall_at_10 and ..._ci95).
func evalAll(m *Model, warm, cold protocol, pop *Popularity, knn *ItemKNN, out map[string]float64, prefix string) {
	recent := RecentItemKNN{KNN: knn, Window: m.Spec.History, Pooling: m.Spec.Pooling, HalfLife: m.Spec.HalfLife}
	model := warm.rankModel(m)
	model.into(out, prefix)
	a := cold.rankModel(m)
	a.into(out, prefix+"coldstart_")
	if pop == nil {
		return
	}
	for _, b := range []struct {
		name string
		s    scorer
	}{{"pop_", pop}, {"itemknn_", knn}, {"itemknn_recent_", recent}} {
		a = warm.rankWith(b.s)
		a.into(out, prefix+b.name)
		base := strings.TrimSuffix(b.name, "_")
		for _, mt := range []struct {
			name string
			x, y []float64
		}{{"recall_at_10", model.perR10, a.perR10}, {"ndcg_at_10", model.perN10, a.perN10}} {
			lead, ci := pairedLead(mt.x, mt.y)
			out[prefix+"lead_over_"+base+"_"+mt.name] = lead
			out[prefix+"lead_over_"+base+"_"+mt.name+"_ci95"] = ci
		}
		if b.name != "itemknn_recent_" {
			a = cold.rankWith(b.s)
			a.into(out, prefix+b.name+"coldstart_")
		}
	}
}
