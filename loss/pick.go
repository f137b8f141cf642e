package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// pick returns the entries m[rows[i], cols[i]] of a 2-D Var as a (len(rows)) Var;
// the backward scatters the gradient back into those entries.
func pick(t *ag.Tape, m *ag.Var, rows, cols []int) *ag.Var {
	if m.Value.Dims() != 2 || len(rows) != len(cols) {
		panic(fmt.Sprintf("loss: pick %d rows, %d cols from %v", len(rows), len(cols), m.Shape()))
	}
	w := m.Shape()[1]
	out := t.NewOutput("Pick", len(rows))
	o, d := out.Value.Data, m.Value.Data
	for i, r := range rows {
		o[i] = d[r*w+cols[i]]
	}
	t.Record(out, func(g []float32) {
		gm := t.GradOf(m)
		for i, r := range rows {
			gm[r*w+cols[i]] += g[i]
		}
	}, m)
	return out
}
