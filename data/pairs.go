package data

import (
	"fmt"
	"slices"
	"strings"
)

// Pair is one sentence pair with a gold score: relatedness 1-5 for SICK
// (Marelli et al. 2014), similarity 0-5 for SemEval STS (Agirre et al.
// 2012-2015), 0 or 1 for MSRP paraphrase (Dolan & Brockett 2005).
type Pair struct {
	A, B   string
	Score  float64
	Label  string // optional class: SICK entailment (NEUTRAL, ENTAILMENT, CONTRADICTION), MSRP paraphrase/non-paraphrase
	Source string // where the pair came from: file name without extension, e.g. "SICK_train", "2015/images.test"
}

// ScoredPairs is a list of scored sentence pairs from one or more files.
type ScoredPairs struct {
	Pairs []Pair
	// ScoreMin and ScoreMax are the nominal score range of the source (SICK
	// 1-5, STS 0-5, MSRP 0-1), both 0 when unknown (generic pairs files).
	ScoreMin, ScoreMax float64
	// Skipped counts the rows left out because they have no gold score (most
	// of the STS 2015 test files: only scored pairs are evaluated).
	Skipped int
}

// Len returns the number of pairs.
func (p *ScoredPairs) Len() int { return len(p.Pairs) }

// Subset returns a copy holding pairs idx, in that order. It panics if an
// index is out of range.
func (p *ScoredPairs) Subset(idx []int) *ScoredPairs {
	out := &ScoredPairs{Pairs: make([]Pair, len(idx)), ScoreMin: p.ScoreMin, ScoreMax: p.ScoreMax}
	for k, i := range idx {
		if i < 0 || i >= len(p.Pairs) {
			panic(fmt.Sprintf("data: ScoredPairs.Subset: index %d out of range [0, %d)", i, len(p.Pairs)))
		}
		out.Pairs[k] = p.Pairs[i]
	}
	return out
}

// Filter returns a copy holding the pairs for which keep returns true, e.g.
// keep := func(q Pair) bool { return strings.HasPrefix(q.Source, "2015/") }.
func (p *ScoredPairs) Filter(keep func(Pair) bool) *ScoredPairs {
	out := &ScoredPairs{ScoreMin: p.ScoreMin, ScoreMax: p.ScoreMax}
	for _, q := range p.Pairs {
		if keep(q) {
			out.Pairs = append(out.Pairs, q)
		}
	}
	return out
}

// Sources returns the distinct Source values in order of first appearance.
func (p *ScoredPairs) Sources() []string {
	var s []string
	seen := map[string]bool{}
	for _, q := range p.Pairs {
		if !seen[q.Source] {
			seen[q.Source] = true
			s = append(s, q.Source)
		}
	}
	return s
}

// Labels returns the distinct non-empty Label values in sorted order.
func (p *ScoredPairs) Labels() []string {
	var s []string
	for _, q := range p.Pairs {
		if q.Label != "" {
			s = append(s, q.Label)
		}
	}
	slices.Sort(s)
	return slices.Compact(s)
}

// Scores returns the scores as a slice, in pair order.
func (p *ScoredPairs) Scores() []float64 {
	s := make([]float64, len(p.Pairs))
	for i, q := range p.Pairs {
		s[i] = q.Score
	}
	return s
}

// splitFields splits a TSV line on tabs. No quoting: the text corpora here
// keep quote characters as part of the sentences.
func splitFields(line string) []string { return strings.Split(line, "\t") }
