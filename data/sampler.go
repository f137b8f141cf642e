package data

import (
	"fmt"
	"slices"
)

// Sampler yields the batches of one epoch as lists of example indices. The
// batches of epoch e depend only on the sampler's configuration, its seed and
// e, so epochs can be produced in any order and reproduced exactly.
type Sampler interface {
	Batches(epoch int) [][]int
}

// Sequential yields 0..n-1 in order, in batches of a fixed size (the last one
// may be smaller): the sampler for evaluation and embedding.
type Sequential struct{ n, batch int }

// NewSequential returns a Sequential sampler over n examples.
func NewSequential(n, batchSize int) (*Sequential, error) {
	if n < 0 || batchSize < 1 {
		return nil, fmt.Errorf("data: sequential sampler: n = %d, batch size = %d, want n >= 0 and batch size >= 1", n, batchSize)
	}
	return &Sequential{n: n, batch: batchSize}, nil
}

// Batches returns [0, b), [b, 2b), ... for every epoch.
func (s *Sequential) Batches(int) [][]int {
	return chunk(rangeIdx(0, s.n), s.batch, false)
}

// Random yields a fresh random permutation of 0..n-1 each epoch, cut into
// batches: every example exactly once per epoch (once at most with dropLast).
type Random struct {
	n, batch int
	dropLast bool
	seed     uint64
}

// NewRandom returns a Random sampler over n examples. With dropLast, a last
// batch smaller than batchSize is left out.
func NewRandom(n, batchSize int, dropLast bool, seed uint64) (*Random, error) {
	if n < 0 || batchSize < 1 {
		return nil, fmt.Errorf("data: random sampler: n = %d, batch size = %d, want n >= 0 and batch size >= 1", n, batchSize)
	}
	return &Random{n: n, batch: batchSize, dropLast: dropLast, seed: seed}, nil
}

// Batches returns the shuffled batches of epoch.
func (s *Random) Batches(epoch int) [][]int {
	rng := epochRand(s.seed, streamRandom, epoch)
	perm := rng.Perm(s.n)
	return chunk(perm, s.batch, s.dropLast)
}

// chunk cuts idx into consecutive batches of size b.
func chunk(idx []int, b int, dropLast bool) [][]int {
	var out [][]int
	for lo := 0; lo < len(idx); lo += b {
		hi := min(lo+b, len(idx))
		if dropLast && hi-lo < b {
			break
		}
		out = append(out, idx[lo:hi:hi])
	}
	return out
}

// classIndex groups example indices by label: order holds all indices grouped
// by class (classes in increasing label order), members of class k are
// order[start[k]:start[k+1]], and pos maps a label to its k.
type classIndex struct {
	labels []int
	order  []int
	start  []int
	pos    map[int]int
}

func newClassIndex(labels []int) *classIndex {
	ci := &classIndex{labels: labels, pos: map[int]int{}}
	var classes []int
	for _, l := range labels {
		if _, ok := ci.pos[l]; !ok {
			ci.pos[l] = 0
			classes = append(classes, l)
		}
	}
	slices.Sort(classes)
	counts := make([]int, len(classes))
	for k, c := range classes {
		ci.pos[c] = k
	}
	for _, l := range labels {
		counts[ci.pos[l]]++
	}
	ci.start = make([]int, len(classes)+1)
	for k, n := range counts {
		ci.start[k+1] = ci.start[k] + n
	}
	ci.order = make([]int, len(labels))
	fill := slices.Clone(ci.start[:len(classes)])
	for i, l := range labels {
		k := ci.pos[l]
		ci.order[fill[k]] = i
		fill[k]++
	}
	return ci
}

func (ci *classIndex) numClasses() int     { return len(ci.start) - 1 }
func (ci *classIndex) members(k int) []int { return ci.order[ci.start[k]:ci.start[k+1]] }
func (ci *classIndex) classOf(i int) int   { return ci.pos[ci.labels[i]] }

// randIntN is the subset of *rand.Rand the samplers need.
type randIntN interface{ IntN(int) int }

// positive returns a random example of i's class other than i; the class
// must have at least two members.
func (ci *classIndex) positive(rng randIntN, i int) int {
	m := ci.members(ci.classOf(i))
	for {
		if j := m[rng.IntN(len(m))]; j != i {
			return j
		}
	}
}

// negative returns a random example of a class other than i's, uniform over
// those examples; there must be at least two classes.
func (ci *classIndex) negative(rng randIntN, i int) int {
	k := ci.classOf(i)
	lo, hi := ci.start[k], ci.start[k+1]
	r := rng.IntN(len(ci.order) - (hi - lo))
	if r >= lo {
		r += hi - lo
	}
	return ci.order[r]
}
