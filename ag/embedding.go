package ag

import "fmt"

// Embedding returns the rows ids of table (vocab, dim): (len(ids), dim), a lookup
// table for token or category ids (torch.nn.Embedding). Backward adds each
// output row's gradient into the table row it came from, touching only the rows
// used; a repeated id accumulates. It panics for an id outside [0, vocab). The
// ids are copied, so the caller may reuse the slice.
func (t *Tape) Embedding(table *Var, ids []int) *Var {
	ts := table.Shape()
	if len(ts) != 2 {
		panic(fmt.Sprintf("ag: Embedding needs a (vocab, dim) table, got %v", ts))
	}
	vocab, dim := ts[0], ts[1]
	idx := t.scratchInt32(len(ids))
	for i, id := range ids {
		if id < 0 || id >= vocab {
			panic(fmt.Sprintf("ag: Embedding: id %d at position %d outside table %v", id, i, ts))
		}
		idx[i] = int32(id)
	}
	out := t.newVar("Embedding", len(ids), dim)
	y, td := out.Value.Data, table.Value.Data
	for i, id := range idx {
		copy(y[i*dim:(i+1)*dim], td[int(id)*dim:])
	}
	t.record(out, func(g []float32) {
		dt := t.gradOf(table)
		for i, id := range idx {
			row := dt[int(id)*dim : (int(id)+1)*dim]
			for j, v := range g[i*dim : (i+1)*dim] {
				row[j] += v
			}
		}
	}, table)
	return out
}
