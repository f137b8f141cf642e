package train

import (
	"testing"

	"github.com/contrast-ml/contrast/eval"
)

// The cases are the measured monitors of W1 runs on MNIST (untrained std
// 0.0234): healthy BYOL, SimSiam and Barlow Twins epochs, and a SimSiam run
// without its stop-gradient, which collapses.
func TestCollapsedOnMeasuredRuns(t *testing.T) {
	const init = 0.0234
	for _, c := range []struct {
		name    string
		std, er float64
		init    float64
		want    bool
	}{
		{"byol epoch 1", 0.0119, 28.3, init, false},
		{"simsiam epoch 1", 0.0096, 18.0, init, false},
		{"barlow epoch 5", 0.0163, 27.4, init, false},
		{"simclr epoch 10", 0.0373, 44.2, init, false},
		{"byol, one-epoch run", 0.0100, 26.7, init, false},
		{"simsiam without stop-gradient, epoch 1", 0.0055, 11.1, init, true},
		{"simsiam without stop-gradient, epoch 2", 0.0051, 9.8, init, true},
		{"complete collapse", 0, 0, init, true},
		{"one direction left, reference unknown", 0.02, 1.5, 0, true},
		{"reference unknown (old checkpoint)", 0.001, 10, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := collapsed(eval.CollapseStats{NormalizedStd: c.std, EffectiveRank: c.er}, c.init)
			if got != c.want {
				t.Errorf("collapsed(std %g, erank %g, init %g) = %v, want %v", c.std, c.er, c.init, got, c.want)
			}
		})
	}
}
