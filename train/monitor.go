package train

import (
	"github.com/contrast-ml/contrast/eval"
)

// monitorRefs is how many training examples the per-epoch kNN monitor uses as
// references (embedding all of them every epoch would cost more than it tells).
const monitorRefs = 10000

// monitor embeds the held-out slice after an epoch, logs kNN accuracy (held-out
// queries against a slice of the training set) and collapse signals, warns on
// collapse, and reports whether early stopping should end training.
func (r *runner) monitor(epoch int, meanLoss float64) (stop bool, err error) {
	rec := Record{"epoch": float64(epoch + 1), "step": float64(r.pos.Step), "loss": meanLoss,
		"lr": r.optimizer.LR(), "seconds": r.pos.Seconds}
	if r.heldOut != nil {
		enc := r.learner.Encoder()
		held := Embed(enc, r.heldOut, true)
		refs := r.fit.Head(min(monitorRefs, r.fit.N))
		ref := Embed(enc, refs, true)
		res, err := eval.KNNEvaluate(held, r.heldOut.Labels, ref, refs.Labels, eval.KNNConfig{K: r.cfg.Monitor.KNNK, Temperature: r.cfg.Monitor.KNNT})
		if err != nil {
			return false, err
		}
		rec["knn_top1"] = res.Accuracy
		if cs, err := eval.Collapse(held); err == nil {
			rec["std"] = cs.NormalizedStd
			rec["effective_rank"] = cs.EffectiveRank
			rec["uniformity"] = cs.Uniformity
			if collapsed(cs, r.pos.InitStd, r.pos.InitRank) {
				r.log.Warn("the representation is collapsing", "epoch", epoch+1, "std", cs.NormalizedStd, "effective_rank", cs.EffectiveRank)
				rec["collapse_warning"] = 1
			}
		}
		if res.Accuracy > r.pos.BestKNN {
			r.pos.BestKNN, r.pos.BadEpochs = res.Accuracy, 0
		} else {
			r.pos.BadEpochs++
		}
	}
	r.log.Info("epoch", "epoch", epoch+1, "step", r.pos.Step, "loss", meanLoss, "lr", r.optimizer.LR(), "knn_top1", rec["knn_top1"])
	if r.opt.OnRecord != nil {
		r.opt.OnRecord(rec)
	}
	return r.cfg.Patience > 0 && r.pos.BadEpochs >= r.cfg.Patience, nil
}

// collapseStdRatio and collapseRankRatio are how far the normalised std
// and the effective rank may both fall below the untrained encoder's before
// the run is called collapsing. Calibrated on W1 runs of
// byol/simsiam/barlow-mnist.yaml (untrained: std 0.0234, effective rank
// 68.1): healthy epochs keep std ratios of 0.29-0.82 (SimSiam with elastic
// warp dips to 0.29 in its first epoch and recovers) and rank ratios of
// 0.26-0.81; a SimSiam run with its stop-gradient removed, which collapses
// (kNN below the untrained encoder's), falls to std 0.21-0.24 and rank
// 0.14-0.17. Neither signal alone separates them with a margin; both
// together do. An absolute threshold against the isotropic 1/sqrt(d) fails
// for ReLU features: being non-negative, their normalised rows share a large
// mean direction, and even the untrained encoder scores only 0.26/sqrt(d) at
// d = 128.
const (
	collapseStdRatio  = 0.31
	collapseRankRatio = 0.21
)

// collapsed flags a representation whose effective rank is below 2
// (complete collapse), or whose normalised std and effective rank both fell
// below their ratios of the untrained encoder's (initStd, initRank; 0 =
// unknown).
func collapsed(cs eval.CollapseStats, initStd, initRank float64) bool {
	if cs.EffectiveRank < 2 {
		return true
	}
	return initStd > 0 && initRank > 0 &&
		cs.NormalizedStd < collapseStdRatio*initStd && cs.EffectiveRank < collapseRankRatio*initRank
}
