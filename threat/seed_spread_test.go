package threat

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/internal/config"
)

// TestNoveltySeedSpread measures how much the novelty encoder's own
// training randomness (initialisation, batch order, corruption draws) moves
// the learned space's KDDTest+ AUROC, with everything else held fixed: the
// feature pipeline is fitted on the whole training file and the encoder is
// trained on, and its reference bank filled with, every normal record of it,
// so that no validation split varies with the seed. For seeds 1 to 5 it
// prints the learned and the input-space AUROC and their DeLong difference,
// and checks that the input space, which no seed touches, scores the same
// every time (a minute; CONTRAST_LONG=1):
//
//	CONTRAST_LONG=1 go test -run TestNoveltySeedSpread -v ./threat
//
// It scores KDDTest+ and so is a diagnosis, not a way to choose a recipe.
func TestNoveltySeedSpread(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") == "" {
		t.Skip("set CONTRAST_LONG=1 for the novelty seed spread")
	}
	var cfg Config
	if err := config.Load(filepath.Join(repoRoot(t), "examples", "nslkdd.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	dir := nslkddDir(t)
	all := mustTable(t, "nslkdd:"+filepath.Join(dir, "KDDTrain+_20Percent.txt"))
	test := mustTable(t, "nslkdd:"+filepath.Join(dir, "KDDTest+.txt"))
	every := make([]int, all.Len())
	var normals []int
	for r := range every {
		every[r] = r
		if all.Category[r] == data.CategoryNormal {
			normals = append(normals, r)
		}
	}
	p, err := FitPipeline(all, every, cfg.Features.NoLog)
	if err != nil {
		t.Fatal(err)
	}
	x, err := p.Encode(all)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := p.Encode(test)
	if err != nil {
		t.Fatal(err)
	}
	attack := make([]bool, test.Len())
	for i, c := range test.Category {
		attack[i] = c != data.CategoryNormal
	}
	w := p.Width()
	spec := EncoderSpec{Numeric: len(p.Numeric), Vocab: p.Vocab(), Encoding: cfg.Features.Categorical,
		EmbedDim: cfg.Novelty.EmbedDim, Hidden: cfg.Novelty.Hidden, Dim: cfg.Encoder.Dim, Norm: cfg.Novelty.Norm}
	var sum, sumSq, firstInput float64
	const seeds = 5
	for seed := uint64(1); seed <= seeds; seed++ {
		cfg.Seed = seed
		m, err := newModel(p, spec, spec, 1, seed)
		if err != nil {
			t.Fatal(err)
		}
		m.K = cfg.Novelty.K
		if _, err := trainNovelty(context.Background(), cfg, m, x, w, normals, rand.New(rand.NewPCG(seed, 0x68656164)), nil); err != nil {
			t.Fatal(err)
		}
		m.setBank(gatherRows(x, w, normals), make([]int, len(normals)))
		learned, input := m.anomalies(tx)
		c, err := eval.CompareAUC(learned, input, attack)
		if err != nil {
			t.Fatal(err)
		}
		inAUC := c.B
		if seed == 1 {
			firstInput = inAUC
		} else if inAUC != firstInput {
			t.Errorf("seed %d: input-space AUROC %.6f, seed 1's %.6f: something besides the novelty encoder moved", seed, inAUC, firstInput)
		}
		sum, sumSq = sum+c.A, sumSq+c.A*c.A
		t.Logf("seed %d: learned %.4f, input %.4f, learned - input %+.4f (SE %.4f, p %.3g)", seed, c.A, inAUC, c.Diff, c.SE, c.P)
	}
	mean := sum / seeds
	t.Logf("learned AUROC over %d seeds: mean %.4f, sd %.4f; input %.4f", seeds, mean, math.Sqrt((sumSq-seeds*mean*mean)/(seeds-1)), firstInput)
}
