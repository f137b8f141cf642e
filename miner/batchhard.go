package miner

import "github.com/contrast-ml/contrast/tensor"

// BatchHard picks, for every anchor with at least one positive and one negative,
// its farthest positive and its nearest negative (Hermans et al. 2017).
type BatchHard struct{}

func (BatchHard) String() string { return "batch-hard" }

// MineTriplets returns one triplet per usable anchor.
func (BatchHard) MineTriplets(dist *tensor.Tensor, sim bool, labels []int) Triplets {
	d, n := table("BatchHard", dist, labels)
	var t Triplets
	for a := range n {
		hp, hn := -1, -1
		for j := range n {
			if j == a {
				continue
			}
			v := d[a*n+j]
			if labels[j] == labels[a] {
				if hp < 0 || closer(d[a*n+hp], v, sim) {
					hp = j
				}
			} else if hn < 0 || closer(v, d[a*n+hn], sim) {
				hn = j
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
