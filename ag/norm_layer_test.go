package ag

import (
	"fmt"
	"math"
	"testing"
)

func TestLayerNorm(t *testing.T) {
	for _, shape := range [][]int{{4, 7}, {2, 3, 5}, {3, 1}} {
		d := shape[len(shape)-1]
		x, gamma, beta := randT(61, shape...), randT(62, d), randT(63, d)
		x.Scale(2)
		t.Run(fmt.Sprint(shape), func(t *testing.T) {
			const eps = 1e-5
			y := NewTape(false).LayerNorm(Const(x), Const(gamma), Const(beta), eps)
			want := make([]float32, x.Numel())
			for r := 0; r < x.Numel()/d; r++ {
				row := x.Data[r*d : (r+1)*d]
				var mean, v float64
				for _, e := range row {
					mean += float64(e) / float64(d)
				}
				for _, e := range row {
					v += (float64(e) - mean) * (float64(e) - mean) / float64(d)
				}
				for j, e := range row {
					want[r*d+j] = float32((float64(e)-mean)/math.Sqrt(v+eps)*float64(gamma.Data[j]) + float64(beta.Data[j]))
				}
			}
			assertClose(t, "out", y.Value.Data, want, 1e-5)
			if d > 1 {
				gradCheckPW(t, "LayerNorm", func(tp *Tape, v []*Var) *Var { return tp.LayerNorm(v[0], v[1], v[2], eps) }, x, gamma, beta)
				gradCheckPW(t, "LayerNormNoAffine", func(tp *Tape, v []*Var) *Var { return tp.LayerNorm(v[0], nil, nil, eps) }, x)
			}
		})
	}
}
