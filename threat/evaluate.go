package threat

import (
	"errors"
	"fmt"
	"slices"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
)

// Eval scores the NSL-KDD file of spec (nslkdd:FILE) with the model in
// modelDir and returns the same test metrics that Train writes.
func Eval(modelDir, spec string) (map[string]float64, error) {
	m, err := LoadModel(modelDir)
	if err != nil {
		return nil, err
	}
	t, err := readNSLKDD(spec)
	if err != nil {
		return nil, err
	}
	return evaluate(m, t)
}

// modelMetrics is scoreMetrics plus, for a model with distance scales,
// auroc_anomaly_combined and ap_anomaly_combined: the equal-weight sum of the
// learned and the input-space distance, each over its median on the
// calibration normals; and auroc_anomaly_combined_minus_input (with _se and
// _p), that sum's AUROC against the input space's (see putAUCDifference);
// tpr_at_fpr_<level>_anomaly_combined (see putTPRAtFPR); and, for a model
// that knows its training file's attack types, the anomaly figures on the
// records of unseen types (see putUnseen). attacks are the records' attack
// types.
func modelMetrics(m *Model, scores []Score, truth []data.Category, attacks []string) (map[string]float64, error) {
	out, err := scoreMetrics(scores, truth)
	if err != nil {
		return nil, err
	}
	if err := m.putUnseen(out, scores, truth, attacks); err != nil {
		return nil, err
	}
	if _, ok := out["auroc_anomaly"]; !ok || m.LearnedScale <= 0 || m.InputScale <= 0 {
		return out, nil
	}
	comb := make([]float64, len(scores))
	attack := make([]bool, len(scores))
	for i, s := range scores {
		comb[i], attack[i] = m.combinedScore(s.LearnedAnomaly, s.InputAnomaly), truth[i] != data.CategoryNormal
	}
	if out["auroc_anomaly_combined"], err = eval.ROCAUC(comb, attack); err != nil {
		return nil, fmt.Errorf("threat: auroc combined: %w", err)
	}
	if out["ap_anomaly_combined"], err = eval.AveragePrecision(comb, attack); err != nil {
		return nil, fmt.Errorf("threat: average precision combined: %w", err)
	}
	if err := putTPRAtFPR(out, "anomaly_combined", comb, attack); err != nil {
		return nil, err
	}
	inp := make([]float64, len(scores))
	for i, s := range scores {
		inp[i] = s.InputAnomaly
	}
	if err := putAUCDifference(out, "auroc_anomaly_combined_minus_input", comb, inp, attack); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadTable reads connection records from a data spec: nslkdd:FILE (an
// NSL-KDD file, labelled) or pcap:FILE (a pcap or pcapng capture, whose
// flows become unlabelled records; see ReadPcap).
func ReadTable(spec string) (*data.Table, error) {
	sp, err := data.ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	switch sp.Kind {
	case data.KindNSLKDD:
		return data.ReadNSLKDD(sp.Path)
	case data.KindPcap:
		flows, err := ReadPcap(sp.Path)
		if err != nil {
			return nil, err
		}
		return FlowTable(flows)
	}
	return nil, fmt.Errorf("threat: %q is a %v source, want nslkdd:FILE or pcap:FILE", spec, sp.Kind)
}

// evaluate scores every row of t and compares with its categories.
func evaluate(m *Model, t *data.Table) (map[string]float64, error) {
	scores, err := m.Score(t)
	if err != nil {
		return nil, err
	}
	out, err := modelMetrics(m, scores, t.Category, t.Attack)
	if err != nil {
		return nil, err
	}
	out["rows"] = float64(t.Len())
	return out, nil
}

// scoreMetrics computes, from scores and the true categories:
//
//   - accuracy_binary, accuracy_5class, macro_f1_5class, recall_<category>:
//     the final decision (head, combined with the anomaly score);
//   - the same with suffix _head (the linear head alone) and _knn (kNN over
//     the embedded training split);
//   - auroc_anomaly and ap_anomaly: the model's anomaly score (the one its
//     threshold applies to) against attack/normal; the same for the distance
//     to the k-th nearest normal in the novelty encoders' space alone (their mean)
//     (suffix _learned) and, the baseline, in the scaled input space (suffix
//     _input_knn); auroc_head, the head's 1 - P(normal);
//   - auroc_anomaly_learned_minus_input, with _se and _p: the learned space's
//     AUROC minus the input space's, its standard error and the p-value of
//     no difference (DeLong's test for two AUROCs of the same records);
//   - anomaly_fpr and anomaly_recall: the fractions of normals and attacks
//     above the calibrated threshold;
//   - tpr_at_fpr_<level>_anomaly (and _learned, _input_knn): the share of
//     attacks each score detects at a false alarm rate of 1%, 2% or 5% of
//     the scored normals (see fprLevels), the operating points where AUROC
//     says little.
func scoreMetrics(scores []Score, truth []data.Category) (map[string]float64, error) {
	if len(scores) != len(truth) {
		return nil, fmt.Errorf("threat: %d scores for %d records", len(scores), len(truth))
	}
	out := map[string]float64{}
	final, head, knn := make([]int, len(scores)), make([]int, len(scores)), make([]int, len(scores))
	nov, lrn, inp := make([]float64, len(scores)), make([]float64, len(scores)), make([]float64, len(scores))
	ph := make([]float64, len(scores))
	attack := make([]bool, len(scores))
	var normals, attacks, fp, tp int
	for i, s := range scores {
		final[i], head[i], knn[i] = int(s.Category), int(s.Head), int(s.KNN)
		nov[i], lrn[i], inp[i], ph[i] = s.Anomaly, s.LearnedAnomaly, s.InputAnomaly, 1-s.Probs[data.CategoryNormal]
		attack[i] = truth[i] != data.CategoryNormal
		if attack[i] {
			attacks++
			if s.Novel {
				tp++
			}
		} else {
			normals++
			if s.Novel {
				fp++
			}
		}
	}
	scoreClasses(final, truth).put(out, "")
	scoreClasses(head, truth).put(out, "_head")
	scoreClasses(knn, truth).put(out, "_knn")
	if normals > 0 {
		out["anomaly_fpr"] = float64(fp) / float64(normals)
	}
	if attacks > 0 {
		out["anomaly_recall"] = float64(tp) / float64(attacks)
	}
	if normals > 0 && attacks > 0 {
		for _, c := range []struct {
			name   string
			scores []float64
		}{{"anomaly", nov}, {"anomaly_learned", lrn}, {"anomaly_input_knn", inp}, {"head", ph}} {
			auc, err := eval.ROCAUC(c.scores, attack)
			if err != nil {
				return nil, fmt.Errorf("threat: auroc %s: %w", c.name, err)
			}
			ap, err := eval.AveragePrecision(c.scores, attack)
			if err != nil {
				return nil, fmt.Errorf("threat: average precision %s: %w", c.name, err)
			}
			out["auroc_"+c.name], out["ap_"+c.name] = auc, ap
			if c.name != "head" {
				if err := putTPRAtFPR(out, c.name, c.scores, attack); err != nil {
					return nil, err
				}
			}
		}
		if err := putAUCDifference(out, "auroc_anomaly_learned_minus_input", lrn, inp, attack); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// putUnseen scores the anomaly scores on the normal records and the attacks
// of types that m's training file lacks (KDDTest+ holds 18 such types for
// KDDTrain+_20Percent, 3,752 records): the attacks the score exists for,
// since the head knows the others. For the model's score, the learned distance, the input-space one and, with
// distance scales, their equal-weight sum (names as in scoreMetrics, suffix
// _unseen) the AUROC and tpr_at_fpr_<level>; the learned minus the input
// space's AUROC with DeLong's standard error and p-value; and
// unseen_attack_rows. Nothing for a model without TrainAttacks or a file
// without both kinds of record.
func (m *Model) putUnseen(out map[string]float64, scores []Score, truth []data.Category, attacks []string) error {
	if len(m.TrainAttacks) == 0 {
		return nil
	}
	if len(attacks) != len(scores) {
		return fmt.Errorf("threat: %d attack types for %d scores", len(attacks), len(scores))
	}
	var rows []int
	var unseen int
	for i, c := range truth {
		if c == data.CategoryNormal {
			rows = append(rows, i)
		} else if _, seen := slices.BinarySearch(m.TrainAttacks, attacks[i]); !seen {
			rows = append(rows, i)
			unseen++
		}
	}
	if unseen == 0 || unseen == len(rows) {
		return nil
	}
	out["unseen_attack_rows"] = float64(unseen)
	sets := map[string][]float64{}
	names := []string{"anomaly", "anomaly_learned", "anomaly_input_knn"}
	combined := m.LearnedScale > 0 && m.InputScale > 0
	if combined {
		names = append(names, "anomaly_combined")
	}
	attack := make([]bool, len(rows))
	for j, i := range rows {
		s := scores[i]
		attack[j] = truth[i] != data.CategoryNormal
		sets["anomaly"] = append(sets["anomaly"], s.Anomaly)
		sets["anomaly_learned"] = append(sets["anomaly_learned"], s.LearnedAnomaly)
		sets["anomaly_input_knn"] = append(sets["anomaly_input_knn"], s.InputAnomaly)
		if combined {
			sets["anomaly_combined"] = append(sets["anomaly_combined"], m.combinedScore(s.LearnedAnomaly, s.InputAnomaly))
		}
	}
	for _, name := range names {
		auc, err := eval.ROCAUC(sets[name], attack)
		if err != nil {
			return fmt.Errorf("threat: auroc %s unseen: %w", name, err)
		}
		out["auroc_"+name+"_unseen"] = auc
		if err := putTPRAtFPR(out, name+"_unseen", sets[name], attack); err != nil {
			return err
		}
	}
	return putAUCDifference(out, "auroc_anomaly_learned_minus_input_unseen", sets["anomaly_learned"], sets["anomaly_input_knn"], attack)
}

// fprLevels are the false alarm rates (on the scored file's normals) at
// which tpr_at_fpr_<level>_<score> reports the share of attacks a score
// detects; 2% is the default calibration target (novelty.fpr).
var fprLevels = []struct {
	name string
	fpr  float64
}{{"1pct", 0.01}, {"2pct", 0.02}, {"5pct", 0.05}}

// putTPRAtFPR sets tpr_at_fpr_<level>_<name> for each of fprLevels: the
// detection rate of scores at that false positive rate (eval.TPRAtFPR).
func putTPRAtFPR(out map[string]float64, name string, scores []float64, attack []bool) error {
	for _, l := range fprLevels {
		tpr, err := eval.TPRAtFPR(scores, attack, l.fpr)
		if err != nil {
			return fmt.Errorf("threat: tpr at fpr %v %s: %w", l.fpr, name, err)
		}
		out["tpr_at_fpr_"+l.name+"_"+name] = tpr
	}
	return nil
}

// putAUCDifference sets name to the difference of the AUROCs of scores a and
// b on the same records, name_se to its DeLong standard error and name_p to
// the two-sided p-value of no difference (see eval.CompareAUC); nothing when
// a class has fewer than two records.
func putAUCDifference(out map[string]float64, name string, a, b []float64, positive []bool) error {
	c, err := eval.CompareAUC(a, b, positive)
	switch {
	case errors.Is(err, eval.ErrUndefined):
		return nil
	case err != nil:
		return fmt.Errorf("threat: %s: %w", name, err)
	}
	out[name], out[name+"_se"], out[name+"_p"] = c.Diff, c.SE, c.P
	return nil
}
