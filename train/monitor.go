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
			if collapsed(cs, r.pos.InitStd) {
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

// collapseStdRatio is how far the normalised std may fall below the
// untrained encoder's before the run is called collapsing. Calibrated on W1
// runs of byol/simsiam/barlow-mnist.yaml (untrained std 0.0234): healthy
// runs keep 0.41-0.70 of it (effective rank 18-32); a SimSiam run with its
// stop-gradient removed, which collapses, falls to 0.21-0.24 (effective rank
// 10, kNN below the untrained encoder's). The ratio sits near the geometric
// mean of the two. An absolute threshold against the isotropic 1/sqrt(d)
// fails for ReLU features: being non-negative, their normalised rows share a
// large mean direction, and even the untrained encoder scores only
// 0.26/sqrt(d) at d = 128.
const collapseStdRatio = 0.31

// collapsed flags a representation whose normalised per-dimension std fell
// below collapseStdRatio of the untrained encoder's (initStd, 0 = unknown),
// or whose effective rank is below 2 (complete collapse).
func collapsed(cs eval.CollapseStats, initStd float64) bool {
	return cs.EffectiveRank < 2 || (initStd > 0 && cs.NormalizedStd < collapseStdRatio*initStd)
}
