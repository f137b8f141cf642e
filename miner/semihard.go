package miner

import (
	"fmt"

	"github.com/contrast-ml/contrast/tensor"
)

// SemiHard picks, for each positive pair (a, p), the nearest negative that is
// still farther from a than p is, within the margin: d(a,p) < d(a,n) < d(a,p) +
// margin (FaceNet, Schroff et al. 2015). Pairs with no such negative are skipped:
// their triplets either already satisfy the margin or are hard ones that
// FaceNet avoids early in training. For similarities the inequalities flip.
type SemiHard struct{ Margin float32 }

func (m SemiHard) String() string { return fmt.Sprintf("semi-hard(margin=%g)", m.Margin) }

// MineTriplets returns at most one triplet per positive pair.
func (m SemiHard) MineTriplets(dist *tensor.Tensor, sim bool, labels []int) Triplets {
	d, n := table("SemiHard", dist, labels)
	var t Triplets
	for a := range n {
		for p := range n {
			if p == a || labels[p] != labels[a] {
				continue
			}
			dap := d[a*n+p]
			best := -1
			for q := range n {
				if labels[q] == labels[a] {
					continue
				}
				dan := d[a*n+q]
				var semi bool
				if sim {
					semi = dan < dap && dan > dap-m.Margin
				} else {
					semi = dan > dap && dan < dap+m.Margin
				}
				if semi && (best < 0 || closer(dan, d[a*n+best], sim)) {
					best = q
				}
			}
			if best >= 0 {
				t.Add(a, p, best)
			}
		}
	}
	return t
}
