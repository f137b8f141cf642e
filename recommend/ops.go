package recommend

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// addRows returns x + diag(w)·table[rows]: (n, d), with x (n, d), table
// (items, d), len(rows) = len(w) = n. It fuses the ID-vector lookup, its
// per-item dropout weight and the sum with the text vector in one pass each
// way (an Embedding, a scaling and an Add on the tape otherwise). Backward
// adds g into x's gradient and w[r]·g[r] into row rows[r] of the table's.
func addRows(t *ag.Tape, x, table *ag.Var, rows []int, w []float32) *ag.Var {
	xs, ts := x.Shape(), table.Shape()
	if len(xs) != 2 || len(ts) != 2 || xs[1] != ts[1] || len(rows) != xs[0] || len(w) != xs[0] {
		panic(fmt.Sprintf("recommend: addRows: x %v, table %v, %d rows, %d weights", xs, ts, len(rows), len(w)))
	}
	n, d := xs[0], xs[1]
	for r, i := range rows {
		if i < 0 || i >= ts[0] {
			panic(fmt.Sprintf("recommend: addRows: row %d at %d outside table %v", i, r, ts))
		}
	}
	out := t.NewOutput("addRows", n, d)
	y, xd, td := out.Value.Data, x.Value.Data, table.Value.Data
	copy(y, xd)
	for r, i := range rows {
		if a := w[r]; a != 0 {
			axpy(y[r*d:(r+1)*d], td[i*d:(i+1)*d], a)
		}
	}
	t.Record(out, func(g []float32) {
		if gx := t.GradOf(x); gx != nil {
			for k, v := range g {
				gx[k] += v
			}
		}
		if gt := t.GradOf(table); gt != nil {
			for r, i := range rows {
				if a := w[r]; a != 0 {
					axpy(gt[i*d:(i+1)*d], g[r*d:(r+1)*d], a)
				}
			}
		}
	}, x, table)
	return out
}

// axpy adds a·x into y.
func axpy(y, x []float32, a float32) {
	x = x[:len(y)]
	for j, v := range x {
		y[j] += a * v
	}
}
