package ag

import "fmt"

// EmbeddingBag returns weighted sums of rows of table (vocab, dim), one per bag:
// (bags, dim), with out[b] = Σ_{k in [offsets[b], offsets[b+1])} w[k]·table[ids[k]],
// as torch.nn.EmbeddingBag(mode="sum") with per_sample_weights. offsets has
// bags+1 non-decreasing entries from 0 to len(ids) (CSR layout); an empty bag
// gives a zero row; a nil w means every weight is 1. It is the fused form of
// Embedding followed by a weighted segment sum: mean and SIF-weighted pooling
// of word vectors (Arora, Liang & Ma 2017), fastText's sum of character n-gram
// vectors (Bojanowski et al. 2017, arXiv 1607.04606), without a (len(ids), dim)
// intermediate. Backward scatter-adds w[k]·g[b] into the rows used. ids,
// offsets and w are copied, so the caller may reuse them. It panics on an id
// outside [0, vocab), bad offsets, or len(w) not len(ids).
func (t *Tape) EmbeddingBag(table *Var, ids, offsets []int, w []float32) *Var {
	ts := table.Shape()
	if len(ts) != 2 {
		panic(fmt.Sprintf("ag: EmbeddingBag needs a (vocab, dim) table, got %v", ts))
	}
	if len(offsets) == 0 || offsets[0] != 0 || offsets[len(offsets)-1] != len(ids) {
		panic(fmt.Sprintf("ag: EmbeddingBag: offsets must run from 0 to %d ids, got %d offsets for table %v", len(ids), len(offsets), ts))
	}
	if w != nil && len(w) != len(ids) {
		panic(fmt.Sprintf("ag: EmbeddingBag: %d weights for %d ids (table %v)", len(w), len(ids), ts))
	}
	vocab, dim := ts[0], ts[1]
	bags := len(offsets) - 1
	idx := t.scratchInt32(len(ids))
	for i, id := range ids {
		if id < 0 || id >= vocab {
			panic(fmt.Sprintf("ag: EmbeddingBag: id %d at position %d outside table %v", id, i, ts))
		}
		idx[i] = int32(id)
	}
	off := t.scratchInt32(len(offsets))
	for b, o := range offsets {
		if b > 0 && o < offsets[b-1] {
			panic(fmt.Sprintf("ag: EmbeddingBag: offsets decrease at bag %d (%d after %d), table %v", b, o, offsets[b-1], ts))
		}
		off[b] = int32(o)
	}
	var wt []float32
	if w != nil {
		wt = t.scratch(len(w))
		copy(wt, w)
	}
	weight := func(k int) float32 {
		if wt == nil {
			return 1
		}
		return wt[k]
	}
	out := t.newVar("EmbeddingBag", bags, dim)
	y, td := out.Value.Data, table.Value.Data
	clear(y)
	for b := range bags {
		yr := y[b*dim : (b+1)*dim]
		for k := int(off[b]); k < int(off[b+1]); k++ {
			bagAxpy(yr, td[int(idx[k])*dim:(int(idx[k])+1)*dim], weight(k))
		}
	}
	t.record(out, func(g []float32) {
		dt := t.gradOf(table)
		for b := range bags {
			gr := g[b*dim : (b+1)*dim]
			for k := int(off[b]); k < int(off[b+1]); k++ {
				bagAxpy(dt[int(idx[k])*dim:(int(idx[k])+1)*dim], gr, weight(k))
			}
		}
	}, table)
	return out
}

// bagAxpy adds a·x into y (len(y) elements).
func bagAxpy(y, x []float32, a float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += a * v
	}
}
