package miner

import "github.com/contrast-ml/contrast/tensor"

// BatchHard picks, for every anchor with at least one positive and one negative,
// its farthest positive and its nearest negative (Hermans et al. 2017).
type BatchHard struct{}

func (BatchHard) String() string { return "batch-hard" }

// MineTriplets returns one triplet per usable anchor. Ties go to the lowest
// index; a NaN never displaces a candidate.
func (BatchHard) MineTriplets(dist *tensor.Tensor, sim bool, labels []int) Triplets {
	d, n := table("BatchHard", dist, labels)
	// Compare s*v so that one loop serves distances (s = 1: farthest
	// positive, nearest negative) and similarities (s = -1).
	s := float32(1)
	if sim {
		s = -1
	}
	t := Triplets{Anchor: make([]int, 0, n), Positive: make([]int, 0, n), Negative: make([]int, 0, n)}
	for a := range n {
		row, lab, la := d[a*n:(a+1)*n], labels[:n], labels[a]
		hp, hn := -1, -1
		var bp, bn float32
		for j, v := range row {
			v *= s
			switch {
			case j == a:
			case lab[j] == la:
				if hp < 0 || v > bp {
					hp, bp = j, v
				}
			case hn < 0 || v < bn:
				hn, bn = j, v
			}
		}
		if hp >= 0 && hn >= 0 {
			t.Add(a, hp, hn)
		}
	}
	return t
}

// BatchAll returns every valid triplet (a, p, n): p shares a's label, n does not.
// Pair it with a loss reduction that averages over non-zero terms, as Hermans et
// al. 2017 do.
type BatchAll struct{}

func (BatchAll) String() string { return "batch-all" }

// MineTriplets lists all valid triplets.
func (BatchAll) MineTriplets(dist *tensor.Tensor, _ bool, labels []int) Triplets {
	_, n := table("BatchAll", dist, labels)
	var t Triplets
	for a := range n {
		for p := range n {
			if p == a || labels[p] != labels[a] {
				continue
			}
			for q := range n {
				if labels[q] != labels[a] {
					t.Add(a, p, q)
				}
			}
		}
	}
	return t
}
