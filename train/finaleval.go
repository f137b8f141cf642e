package train

import (
	"log/slog"
	"math"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/nn"
)

// finalKNN is the weighted kNN accuracy (k, T from the monitor config) of the
// test set against the whole training set, on the encoder's features.
func finalKNN(l Learner, train, test *data.Images, mc MonitorConfig) (float64, error) {
	enc := l.Encoder()
	ref := Embed(enc, train, true)
	q := Embed(enc, test, true)
	res, err := eval.KNNEvaluate(q, test.Labels, ref, train.Labels, eval.KNNConfig{K: mc.KNNK, Temperature: mc.KNNT})
	return res.Accuracy, err
}

// finalEval computes the figures of metrics.json on the encoder's features
// (before any projection head): weighted kNN (test vs train), linear probe,
// and retrieval metrics on the test set (Musgrave et al. 2020); for Siamese
// networks also verification accuracy with a threshold calibrated on held-out
// training pairs.
func finalEval(cfg Config, l Learner, train, test *data.Images, heldOut *data.Images, log *slog.Logger) (map[string]float64, error) {
	enc := l.Encoder()
	ref := Embed(enc, train, true)
	q := Embed(enc, test, true)
	m := map[string]float64{}
	knn, err := eval.KNNEvaluate(q, test.Labels, ref, train.Labels, eval.KNNConfig{K: cfg.Monitor.KNNK, Temperature: cfg.Monitor.KNNT})
	if err != nil {
		return nil, err
	}
	m["knn_top1"] = knn.Accuracy
	log.Info("kNN", "top1", knn.Accuracy)
	ret, err := eval.RetrievalSelf(q, test.Labels, eval.RetrievalConfig{RecallK: []int{1, 10}})
	if err != nil {
		return nil, err
	}
	m["precision_at_1"], m["r_precision"], m["map_at_r"] = ret.PrecisionAt1, ret.RPrecision, ret.MAPAtR
	probe, err := eval.LinearProbe(ref, train.Labels, q, test.Labels, eval.DefaultProbe())
	if err != nil {
		return nil, err
	}
	m["linear_top1"] = probe.TestAccuracy
	log.Info("linear probe", "top1", probe.TestAccuracy, "iterations", probe.Fit.Iterations)
	if cfg.Method == Siamese && heldOut != nil {
		v, err := verify(l, heldOut, test, cfg.Seed)
		if err != nil {
			return nil, err
		}
		m["verify_accuracy"], m["verify_precision"], m["verify_recall"], m["verify_threshold"] = v.Accuracy, v.Precision, v.Recall, v.Threshold
	}
	return m, nil
}

// verify scores balanced same/different pairs by the Euclidean distance of the
// method's embeddings: the threshold is calibrated (best F1) on pairs of the
// held-out training slice and applied to pairs of the test set.
func verify(l Learner, val, test *data.Images, seed uint64) (eval.Verification, error) {
	emb := func(im *data.Images) eval.Matrix { return Embed(netOf(l), im, true) }
	vd, vs := pairDistances(emb(val), val.Labels, seed)
	td, ts := pairDistances(emb(test), test.Labels, seed+1)
	return eval.CalibratedVerify(vd, vs, td, ts)
}

// pairDistances draws one balanced pair per example (as the pairs sampler
// does) and returns their Euclidean distances and whether they match.
func pairDistances(z eval.Matrix, labels []int, seed uint64) ([]float64, []bool) {
	s, err := data.NewBalancedPairs(labels, 1<<30, seed)
	if err != nil {
		return nil, nil
	}
	var dist []float64
	var same []bool
	for _, b := range s.Batches(0) {
		for i := 0; i+1 < len(b); i += 2 {
			x, y := z.Row(b[i]), z.Row(b[i+1])
			var d float64
			for k := range x {
				e := float64(x[k] - y[k])
				d += e * e
			}
			dist = append(dist, math.Sqrt(d))
			same = append(same, labels[b[i]] == labels[b[i+1]])
		}
	}
	return dist, same
}

// netOf returns the network whose output the method's loss sees: the
// embedding of metric-learning methods, else the encoder.
func netOf(l Learner) nn.Module {
	if e, ok := l.(interface{ Embedding() nn.Module }); ok {
		return e.Embedding()
	}
	return l.Encoder()
}

// Evaluate computes every metric that fits a labelled image set for a trained
// method: with train and test splits, kNN, linear probe and retrieval as in
// training's final evaluation; with one split, leave-one-out kNN and retrieval.
// Both add NMI and AMI of k-means clusters (k = number of classes).
func Evaluate(cfg Config, l Learner, train, test *data.Images) (map[string]float64, error) {
	var m map[string]float64
	var q eval.Matrix
	var labels []int
	if train != nil {
		var err error
		if m, err = finalEval(cfg, l, train, test, nil, slog.New(slog.DiscardHandler)); err != nil {
			return nil, err
		}
		q, labels = Embed(l.Encoder(), test, true), test.Labels
	} else {
		q, labels = Embed(l.Encoder(), test, true), test.Labels
		knn, err := eval.KNNEvaluateSelf(q, labels, eval.KNNConfig{K: cfg.Monitor.KNNK, Temperature: cfg.Monitor.KNNT})
		if err != nil {
			return nil, err
		}
		ret, err := eval.RetrievalSelf(q, labels, eval.RetrievalConfig{})
		if err != nil {
			return nil, err
		}
		m = map[string]float64{"knn_top1": knn.Accuracy, "precision_at_1": ret.PrecisionAt1, "r_precision": ret.RPrecision, "map_at_r": ret.MAPAtR}
	}
	km, err := eval.KMeans(normalizedRows(q), eval.KMeansConfig{K: test.NumClasses(), Seed: cfg.Seed})
	if err != nil {
		return nil, err
	}
	if m["nmi"], err = eval.NMI(km.Assignments, labels); err != nil {
		return nil, err
	}
	if m["ami"], err = eval.AMI(km.Assignments, labels); err != nil {
		return nil, err
	}
	return m, nil
}

// normalizedRows returns a copy of z with unit rows, so k-means clusters by angle.
func normalizedRows(z eval.Matrix) eval.Matrix {
	out := eval.Matrix{Rows: z.Rows, Cols: z.Cols, Data: append([]float32(nil), z.Data...)}
	for i := range out.Rows {
		row := out.Row(i)
		var s float64
		for _, v := range row {
			s += float64(v) * float64(v)
		}
		if s > 0 {
			inv := float32(1 / math.Sqrt(s))
			for j := range row {
				row[j] *= inv
			}
		}
	}
	return out
}
