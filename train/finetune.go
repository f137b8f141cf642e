package train

import (
	"context"
	"log/slog"
	"strconv"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
)

// finetune is the transfer experiment (SimCLRv2's semi-supervised result, in
// miniature): for each label fraction, a stratified subset of the training set
// trains (a) the pretrained encoder with a new linear classification head,
// all fine-tuned, and (b) the same architecture from a fresh initialisation;
// both report test top-1 as finetune_top1_<p>pct and scratch_top1_<p>pct.
func finetune(ctx context.Context, cfg Config, l Learner, train, test *data.Images, log *slog.Logger) (map[string]float64, error) {
	out := map[string]float64{}
	in := Shape{C: train.C, H: train.H, W: train.W}
	for _, frac := range cfg.Finetune.Fractions {
		sub, err := train.Stratified(frac, cfg.Seed)
		if err != nil {
			return nil, err
		}
		pct := fractionName(frac)
		// (a) a copy of the pretrained encoder, so the returned learner stays as trained.
		pre, _, err := NewEncoder(cfg.Encoder, in, tensor.NewRNG(cfg.Seed+7))
		if err != nil {
			return nil, err
		}
		if err := nn.CopyParams(pre, l.Encoder()); err != nil {
			return nil, err
		}
		accPre, err := fitClassifier(ctx, cfg, pre, sub, test)
		if err != nil {
			return nil, err
		}
		scratch, _, err := NewEncoder(cfg.Encoder, in, tensor.NewRNG(cfg.Seed+7))
		if err != nil {
			return nil, err
		}
		accScratch, err := fitClassifier(ctx, cfg, scratch, sub, test)
		if err != nil {
			return nil, err
		}
		out["finetune_top1_"+pct], out["scratch_top1_"+pct] = accPre, accScratch
		log.Info("transfer", "labels", pct, "examples", sub.N, "finetune_top1", accPre, "scratch_top1", accScratch)
	}
	return out, nil
}

// fitClassifier trains enc plus a linear head with cross-entropy on sub (with
// the run's augmentations) and returns the test accuracy.
func fitClassifier(ctx context.Context, cfg Config, enc nn.Module, sub, test *data.Images) (float64, error) {
	rng := tensor.NewRNG(cfg.Seed + 11)
	dim := featureDimOf(enc, Shape{C: sub.C, H: sub.H, W: sub.W})
	head, err := nn.NewLinear(dim, sub.NumClasses(), true, rng)
	if err != nil {
		return 0, err
	}
	params := append(append([]*ag.Var(nil), enc.Params()...), head.Params()...)
	a := optim.DefaultAdam()
	a.LR = cfg.Finetune.LR
	opt, err := optim.NewAdam(params, a)
	if err != nil {
		return 0, err
	}
	batch := min(cfg.Batch, sub.N)
	sampler, err := data.NewRandom(sub.N, batch, false, cfg.Seed)
	if err != nil {
		return 0, err
	}
	in := Shape{C: sub.C, H: sub.H, W: sub.W}
	pipe, err := newAugment(cfg.Augment, augment.Shape{C: in.C, H: in.H, W: in.W})
	if err != nil {
		return 0, err
	}
	loader, err := data.NewLoader(data.LoaderConfig{Sampler: sampler, Dim: in.Len(), Fill: viewFill(sub, pipe, 1), Workers: cfg.Workers, Seed: cfg.Seed + 3})
	if err != nil {
		return 0, err
	}
	t := ag.NewTape(true)
	enc.SetTraining(true)
	labels := make([]int, 0, batch)
	for epoch := range max(1, cfg.Finetune.Epochs) {
		for b, err := range loader.Epoch(ctx, epoch) {
			if err != nil {
				return 0, err
			}
			labels = labels[:0]
			for _, i := range b.Index {
				labels = append(labels, sub.Labels[i])
			}
			t.Reset()
			x := ag.Const(tensor.FromSlice(b.X, len(b.Index), in.C, in.H, in.W))
			loss := t.CrossEntropy(head.Forward(t, enc.Forward(t, x)), labels, 0)
			t.Backward(loss)
			opt.Step()
			opt.ZeroGrad()
		}
	}
	feats := Embed(enc, test, true)
	w, bias := head.Weight.Value.Data, head.Bias.Value.Data
	correct := 0
	for i := range test.N {
		f := feats.Row(i)
		best, bestScore := 0, float32(0)
		for c := range bias {
			s := bias[c]
			for k, v := range f {
				s += v * w[c*dim+k]
			}
			if c == 0 || s > bestScore {
				best, bestScore = c, s
			}
		}
		if best == test.Labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(test.N), nil
}

// fractionName names a label fraction in metric keys: 0.01 is "1pct", 0.07
// "7pct" (not "7.000000000000001pct", which 0.07*100 is in float64).
func fractionName(frac float64) string {
	return strconv.FormatFloat(frac*100, 'g', 6, 64) + "pct"
}

func featureDimOf(enc nn.Module, in Shape) int {
	t := ag.NewTape(false)
	enc.SetTraining(false)
	defer enc.SetTraining(true)
	return enc.Forward(t, ag.Const(tensor.New(1, in.C, in.H, in.W))).Value.Numel()
}
