package train

import (
	"testing"

	"github.com/contrast-ml/contrast/eval"
)

// The cases are the measured monitors of W1 runs on MNIST (untrained std
// 0.0234, effective rank 68.1): healthy BYOL, SimSiam and Barlow Twins
// epochs, and a SimSiam run without its stop-gradient, which collapses.
func TestCollapsedOnMeasuredRuns(t *testing.T) {
	const std0, rank0 = 0.0234, 68.1
	for _, c := range []struct {
		name        string
		std, er     float64
		std0, rank0 float64
		want        bool
	}{
		{"byol epoch 1", 0.0119, 28.3, std0, rank0, false},
		{"simsiam epoch 1", 0.0096, 18.0, std0, rank0, false},
		{"simsiam with warp, epoch 1 (std dips, rank holds)", 0.0067, 18.9, std0, rank0, false},
		{"barlow epoch 5", 0.0163, 27.4, std0, rank0, false},
		{"simclr epoch 10", 0.0373, 44.2, std0, rank0, false},
		{"byol, one-epoch run", 0.0100, 26.7, std0, rank0, false},
		{"simsiam without stop-gradient, epoch 1", 0.0050, 11.8, std0, rank0, true},
		{"simsiam without stop-gradient, epoch 2", 0.0051, 9.8, std0, rank0, true},
		{"rank falls, std holds", 0.0150, 9.8, std0, rank0, false},
		{"complete collapse", 0, 0, std0, rank0, true},
		{"one direction left, references unknown", 0.02, 1.5, 0, 0, true},
		{"references unknown (old checkpoint)", 0.001, 10, 0, 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := collapsed(eval.CollapseStats{NormalizedStd: c.std, EffectiveRank: c.er}, c.std0, c.rank0)
			if got != c.want {
				t.Errorf("collapsed(std %g, erank %g; untrained %g, %g) = %v, want %v", c.std, c.er, c.std0, c.rank0, got, c.want)
			}
		})
	}
}
