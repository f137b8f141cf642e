package threat

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/tensor"
)

// shiftEps keeps log(d²) finite when a view coincides with its anchor.
const shiftEps = 1e-6

// shiftedContrast is the loss of NoveltyShifted. h (n·(2+m), d) holds n
// anchors, then their n positives, then m negatives per anchor (anchor-major:
// row 2n + i·m + j is negative j of anchor i). The logits of anchor a are
// -log(|a - v|² + eps) / T for its positive and its m negatives, and the loss
// is the mean cross-entropy of picking the positive: a record must lie closer
// to a lightly corrupted copy of itself than to heavily corrupted copies.
//
// The negatives are "distributionally shifted" instances in the sense of CSI
// (Tack, Mo, Jeong & Shin 2020, arXiv 2007.08176), built by SCARF's
// corruption (Bahri et al. 2022, arXiv 2106.15147); unlike NT-Xent, other
// normal records are never negatives, so nothing spreads the normal records
// apart, and the logits depend on ratios of distances only (a rescaled space
// has the same loss). It panics when h's rows are not n·(2+m).
func shiftedContrast(t *ag.Tape, h *ag.Var, n, m int, temperature float32) *ag.Var {
	s := h.Shape()
	if len(s) != 2 || n < 1 || m < 1 || s[0] != n*(2+m) {
		panic(fmt.Sprintf("threat: shiftedContrast: h %v, want (%d·(2+%d), d)", s, n, m))
	}
	d := s[1]
	a := t.Reshape(t.Slice(h, 0, 0, n), n, 1, d)
	views := t.Concat(1, t.Reshape(t.Slice(h, 0, n, 2*n), n, 1, d), t.Reshape(t.Slice(h, 0, 2*n, s[0]), n, m, d))
	diff := t.Sub(views, a)                  // (n, 1+m, d)
	d2 := t.Sum(t.Mul(diff, diff), false, 2) // (n, 1+m)
	logits := t.Scale(t.Log(t.AddScalar(d2, shiftEps)), -1/temperature)
	return t.CrossEntropy(logits, make([]int, n), 0)
}

// shiftedStage trains enc on rows of x with shiftedContrast: each record's
// positive is a copy with a fraction cfg.Rate of its features corrupted, its
// cfg.Negatives negatives copies with a fraction cfg.NegRate corrupted, all
// drawn from marg (the normal records' marginals).
func shiftedStage(cfg NoveltyConfig, batch int, oc OptimConfig, enc *Encoder, x []float32, w int, rows []int,
	marg *augment.Marginals, seed uint64) *stage {
	light, err := augment.NewSCARF(marg, cfg.Rate)
	if err != nil {
		panic(err) // the rates were validated
	}
	heavy, err := augment.NewSCARF(marg, cfg.NegRate)
	if err != nil {
		panic(err)
	}
	m, temp := cfg.Negatives, float32(cfg.Temperature)
	enc.SetTraining(true)
	return &stage{
		name: "novelty", params: enc.Params(), rows: rows, batch: batch,
		epochs: cfg.Epochs, lr: cfg.LR, optim: oc, seed: seed,
		step: func(t *ag.Tape, idx []int, rng *rand.Rand) *ag.Var {
			return shiftedContrast(t, enc.Forward(t, ag.Const(shiftedViews(x, w, idx, m, light, heavy, rng))), len(idx), m, temp)
		},
	}
}

// shiftedViews writes the input of shiftedContrast for records idx of x
// (rows of width w): the records, their light corruptions, then m heavy
// corruptions per record.
func shiftedViews(x []float32, w int, idx []int, m int, light, heavy *augment.SCARF, rng *rand.Rand) *tensor.Tensor {
	n := len(idx)
	v := tensor.New(n*(2+m), w)
	row := func(i int) []float32 { return v.Data[i*w : (i+1)*w] }
	for i, r := range idx {
		src := x[r*w : (r+1)*w]
		copy(row(i), src)
		light.Apply(rng, row(n+i), src)
		for j := range m {
			heavy.Apply(rng, row(2*n+i*m+j), src)
		}
	}
	return v
}
