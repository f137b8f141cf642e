package threat

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/report"
)

// nslkddDir returns ../shared/data/nslkdd beside the repository, skipping
// the test when it is absent.
func nslkddDir(t *testing.T) string {
	dir := filepath.Join(repoRoot(t), "..", "shared", "data", "nslkdd")
	if _, err := os.Stat(filepath.Join(dir, "KDDTrain+_20Percent.txt")); err != nil {
		t.Skipf("NSL-KDD not found: %v", err)
	}
	return dir
}

// smokeConfig trains small networks on a slice of the training file, for
// seconds, and tests on the first 4,000 records of KDDTest+ (copied to tmp).
func smokeConfig(t *testing.T, dir, tmp string) Config {
	c := Default()
	c.Train = "nslkdd:" + filepath.Join(dir, "KDDTrain+_20Percent.txt")
	b, err := os.ReadFile(filepath.Join(dir, "KDDTest+.txt"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfterN(b, []byte("\n"), 4001)
	test := filepath.Join(tmp, "KDDTest+_4000.txt")
	if err := os.WriteFile(test, bytes.Join(lines[:4000], nil), 0o644); err != nil {
		t.Fatal(err)
	}
	c.Test = "nslkdd:" + test
	c.Limit = 2000
	c.Encoder = EncoderConfig{Hidden: []int{64}, Dim: 32, Norm: NormLayer, Proj: 32}
	c.SCARF.Epochs, c.SCARF.Batch = 2, 128
	c.SupCon.Epochs, c.SupCon.Batch, c.SupCon.LR = 4, 128, 1e-3
	c.Novelty.Epochs, c.Novelty.Hidden, c.Novelty.EmbedDim, c.Novelty.LR = 1, []int{64}, 8, 1e-3
	c.Novelty.Members = 1 // TestNoveltyMembers covers several
	return c
}

// TestTrainSmoke trains on 2,500 records for a few epochs and checks that
// the losses fall, that the classifier is far above chance on validation and
// test data, and that the written files round-trip: metrics.json (flat,
// finite, the keys the issue asks for), config.yaml (the resolved config),
// and the model, which LoadModel and Eval read back to the same scores.
func TestTrainSmoke(t *testing.T) {
	dir := nslkddDir(t)
	out := t.TempDir()
	cfg := smokeConfig(t, dir, t.TempDir())
	start := time.Now()
	m, err := Train(context.Background(), cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("trained and tested in %v", time.Since(start))
	for _, stage := range []string{"scarf", "supcon"} {
		if first, last := m[stage+"_loss_first"], m[stage+"_loss_last"]; !(last < first) {
			t.Errorf("%s loss did not fall: %v -> %v", stage, first, last)
		}
	}
	// Chance: the majority class (normal) is about 53% of the records.
	if v := m["val_accuracy_5class_head"]; v < 0.85 {
		t.Errorf("validation accuracy of the head %v, want >= 0.85", v)
	}
	if v := m["accuracy_5class_knn"]; v < 0.65 {
		t.Errorf("test five-class kNN accuracy %v, want >= 0.65 (chance 0.43)", v)
	}
	if v := m["auroc_anomaly"]; v < 0.85 {
		t.Errorf("test anomaly AUROC %v, want >= 0.85", v)
	}

	// metrics.json: flat, every value finite, the keys present.
	written, err := report.ReadMetricsJSON(filepath.Join(out, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(written, m) {
		t.Errorf("metrics.json differs from the returned metrics")
	}
	for _, k := range []string{"accuracy_binary", "accuracy_5class", "macro_f1_5class", "auroc_anomaly",
		"auroc_anomaly_input_knn", "recall_normal", "recall_dos", "recall_probe", "recall_r2l", "recall_u2r",
		"auroc_anomaly_learned", "auroc_anomaly_combined", "val_novelty_auroc", "val_novelty_auroc_learned",
		"val_novelty_auroc_input_knn", "val_novelty_auroc_combined",
		"val_novelty_auroc_macro", "val_novelty_auroc_hard",
		"tpr_at_fpr_2pct_anomaly", "tpr_at_fpr_2pct_anomaly_learned", "tpr_at_fpr_2pct_anomaly_input_knn",
		"tpr_at_fpr_2pct_anomaly_combined", "tpr_at_fpr_1pct_anomaly_learned", "tpr_at_fpr_5pct_anomaly_learned",
		"auroc_anomaly_learned_unseen", "auroc_anomaly_input_knn_unseen", "auroc_anomaly_combined_unseen",
		"tpr_at_fpr_2pct_anomaly_learned_unseen"} {
		v, ok := written[k]
		if !ok || math.IsNaN(v) || v < 0 || v > 1 {
			t.Errorf("metrics.json %s = %v (present %v)", k, v, ok)
		}
	}
	// The detection rates grow with the false alarm rate allowed, and the
	// calibrated threshold is one of the operating points they range over.
	for _, sc := range []string{"anomaly", "anomaly_learned", "anomaly_input_knn", "anomaly_combined"} {
		t1, t2, t5 := written["tpr_at_fpr_1pct_"+sc], written["tpr_at_fpr_2pct_"+sc], written["tpr_at_fpr_5pct_"+sc]
		if !(t1 <= t2 && t2 <= t5) {
			t.Errorf("%s: detection rates %v, %v, %v at 1%%, 2%%, 5%% false alarms", sc, t1, t2, t5)
		}
	}
	for _, l := range fprLevels {
		if fpr, rec := written["anomaly_fpr"], written["anomaly_recall"]; fpr <= l.fpr && written["tpr_at_fpr_"+l.name+"_anomaly"] < rec {
			t.Errorf("threshold detects %v at %v false alarms, above tpr_at_fpr_%s_anomaly %v", rec, fpr, l.name, written["tpr_at_fpr_"+l.name+"_anomaly"])
		}
	}
	// The AUROC differences are those of the written AUROCs, with a
	// standard error and a p-value.
	for _, d := range [][3]string{{"auroc_anomaly_learned_minus_input", "auroc_anomaly_learned", "auroc_anomaly_input_knn"},
		{"auroc_anomaly_combined_minus_input", "auroc_anomaly_combined", "auroc_anomaly_input_knn"}} {
		diff, se, p := written[d[0]], written[d[0]+"_se"], written[d[0]+"_p"]
		if math.Abs(diff-(written[d[1]]-written[d[2]])) > 1e-12 || !(se > 0) || !(p >= 0 && p <= 1) {
			t.Errorf("%s = %v (se %v, p %v); %s - %s = %v", d[0], diff, se, p, d[1], d[2], written[d[1]]-written[d[2]])
		}
	}
	// config.yaml holds the resolved config.
	var back Config
	if err := config.Load(filepath.Join(out, ConfigFile), &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, cfg) {
		t.Errorf("config.yaml:\n%+v\nwant\n%+v", back, cfg)
	}
	// The saved model scores the test file exactly as Train did.
	ev, err := Eval(out, cfg.Test)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range ev {
		if m[k] != v {
			t.Errorf("Eval %s = %v, Train wrote %v", k, v, m[k])
		}
	}
	for k := range m { // and reports every test figure (a model field lost in Save would drop some)
		test := slices.ContainsFunc([]string{"accuracy_", "recall_", "auroc_", "ap_", "tpr_", "unseen_"}, func(p string) bool { return strings.HasPrefix(k, p) })
		if _, ok := ev[k]; test && !ok {
			t.Errorf("Train wrote %s, Eval does not", k)
		}
	}
	model, err := LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	emb, dim, err := model.Embed(mustTable(t, cfg.Test))
	if err != nil || dim != cfg.Encoder.Dim || len(emb) != 4000*dim {
		t.Errorf("Embed: %d values, dim %d, %v", len(emb), dim, err)
	}
}

// fitSlice fits cfg on a stratified fraction frac of its training file, of
// which 20% is the validation split: the model, the training-side metrics,
// the slice and its validation rows.
func fitSlice(t *testing.T, cfg Config, frac float64) (m *Model, metrics map[string]float64, all *data.Table, val []int) {
	t.Helper()
	all = mustTable(t, cfg.Train)
	keep, _, err := data.StratifiedSplit(all.CategoryLabels(), frac, 1)
	if err != nil {
		t.Fatal(err)
	}
	all = all.Subset(keep)
	val, train, err := data.StratifiedSplit(all.CategoryLabels(), 0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	m, metrics, err = fit(context.Background(), cfg, all, train, val, nil)
	if err != nil {
		t.Fatal(err)
	}
	return m, metrics, all, val
}

func mustTable(t *testing.T, spec string) *data.Table {
	t.Helper()
	tab, err := readNSLKDD(spec)
	if err != nil {
		t.Fatal(err)
	}
	return tab
}

// TestScoreRecordsFromPcap scores the flows of a capture with a small model.
func TestScoreRecordsFromPcap(t *testing.T) {
	dir := nslkddDir(t)
	cfg := smokeConfig(t, dir, t.TempDir())
	cfg.Limit, cfg.SCARF.Epochs, cfg.SupCon.Epochs, cfg.Novelty.Epochs = 800, 0, 1, 0
	m, _, _, _ := fitSlice(t, cfg, 0.03)
	flows, err := ReadPcap(filepath.Join("testdata", "http.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	recs := make([]Record, len(flows))
	for i := range flows {
		recs[i] = flows[i].Record()
	}
	scores, err := m.ScoreRecords(recs)
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != len(flows) {
		t.Fatalf("%d scores for %d flows", len(scores), len(flows))
	}
	for i, s := range scores {
		if math.IsNaN(s.Anomaly) || s.Anomaly < 0 || !slices.Contains([]int{0, 1, 2, 3, 4}, int(s.Category)) {
			t.Errorf("flow %d: score %+v", i, s)
		}
	}
}

// TestNoveltyMethods fits both novelty objectives on a slice of the training
// file and checks the anomaly score (the learned distance, or a weighted sum
// with the input-space distance, each over its scale) and its validation
// figures against the same AUROCs computed here from the scores: every
// training-file attack against the validation normals.
func TestNoveltyMethods(t *testing.T) {
	dir := nslkddDir(t)
	for _, c := range []struct {
		method NoveltyMethod
		weight float64 // of the input-space distance in the anomaly score
	}{{NoveltySCARF, 0}, {NoveltyShifted, 0.5}} {
		t.Run(c.method.String(), func(t *testing.T) {
			cfg := smokeConfig(t, dir, t.TempDir())
			cfg.SCARF.Epochs, cfg.SupCon.Epochs, cfg.Novelty.Epochs = 0, 1, 2
			cfg.Novelty.Method, cfg.Novelty.InputWeight = c.method, c.weight
			m, metrics, all, val := fitSlice(t, cfg, 0.05)
			labels := all.CategoryLabels()
			if l := metrics["novelty_loss_last"]; !(l > 0) || math.IsInf(l, 0) {
				t.Errorf("novelty loss %v", l)
			}
			// The oracle: score the same rows through Model.Score.
			var rows []int
			for _, r := range val {
				if labels[r] == 0 {
					rows = append(rows, r)
				}
			}
			for r, l := range labels {
				if l != 0 {
					rows = append(rows, r)
				}
			}
			scores, err := m.Score(all.Subset(rows))
			if err != nil {
				t.Fatal(err)
			}
			if !(m.LearnedScale > 0 && m.InputScale > 0) {
				t.Fatalf("scales %v, %v", m.LearnedScale, m.InputScale)
			}
			n := len(rows)
			score, learned, input, comb := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
			attack := make([]bool, n)
			for i, s := range scores {
				score[i], learned[i], input[i], attack[i] = s.Anomaly, s.LearnedAnomaly, s.InputAnomaly, labels[rows[i]] != 0
				comb[i] = learned[i]/m.LearnedScale + input[i]/m.InputScale
				want := learned[i]
				if c.weight > 0 {
					want = learned[i]/m.LearnedScale + c.weight*input[i]/m.InputScale
				}
				if math.Abs(s.Anomaly-want) > 1e-9*want {
					t.Fatalf("row %d: anomaly %v, want %v", rows[i], s.Anomaly, want)
				}
			}
			for key, sc := range map[string][]float64{"val_novelty_auroc": score, "val_novelty_auroc_learned": learned,
				"val_novelty_auroc_input_knn": input, "val_novelty_auroc_combined": comb} {
				want, err := eval.ROCAUC(sc, attack)
				if err != nil {
					t.Fatal(err)
				}
				if got := metrics[key]; math.Abs(got-want) > 1e-12 {
					t.Errorf("%s = %v, want %v", key, got, want)
				}
			}
			for _, k := range []string{"val_novelty_auroc", "val_novelty_auroc_learned"} {
				if v := metrics[k]; v < 0.9 {
					t.Errorf("%s %v, want >= 0.9", k, v)
				}
			}
		})
	}
}

// TestNoveltyMembers trains three novelty encoders and checks the learned
// anomaly distance against its definition, the mean over the encoders of each
// one's distance to the k-th nearest normal of the bank, computed here
// encoder by encoder; that the encoders differ; and that the model round-trips
// through Save and LoadModel, as must a model.json written before ensembles
// (no novelty_members: one encoder).
func TestNoveltyMembers(t *testing.T) {
	dir := nslkddDir(t)
	cfg := smokeConfig(t, dir, t.TempDir())
	cfg.SCARF.Epochs, cfg.SupCon.Epochs, cfg.Novelty.Epochs, cfg.Novelty.Members = 0, 1, 1, 3
	m, _, all, val := fitSlice(t, cfg, 0.05)
	if len(m.Novelty) != 3 {
		t.Fatalf("%d novelty encoders, want 3", len(m.Novelty))
	}
	x, err := m.Pipeline.Encode(all.Subset(val))
	if err != nil {
		t.Fatal(err)
	}
	n, w := len(val), m.Pipeline.Width()
	var normal []float32
	for i, c := range m.bankCategory {
		if c == int(data.CategoryNormal) {
			normal = append(normal, m.bank[i*w:(i+1)*w]...)
		}
	}
	want := make([]float64, n)
	var first []float64
	for i, enc := range m.Novelty {
		ref := m.embed(enc, normal)
		d := KthNNDistance(m.embed(enc, x), n, ref, len(ref)/enc.Dim, enc.Dim, m.K)
		if i == 0 {
			first = d
		} else if slices.Equal(d, first) {
			t.Errorf("encoder %d gives the distances of encoder 0", i)
		}
		for j, v := range d {
			want[j] += v / 3
		}
	}
	learned, _ := m.anomalies(x)
	for j := range want {
		if math.Abs(learned[j]-want[j]) > 1e-12*max(1, want[j]) {
			t.Fatalf("row %d: learned distance %v, want the mean %v", j, learned[j], want[j])
		}
	}

	out := t.TempDir()
	if err := m.Save(out); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(out)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := back.anomalies(x); !slices.Equal(got, learned) {
		t.Errorf("the loaded model's distances differ from the saved one's")
	}

	// A one-encoder model, written as before ensembles, loads; saving the
	// loaded model again keeps the weights' names.
	cfg.Novelty.Members = 0
	single, _, _, _ := fitSlice(t, cfg, 0.05)
	old := t.TempDir()
	if err := single.Save(old); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(old, ModelFile))
	if err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if raw["novelty_members"] != 1.0 {
		t.Fatalf("model.json novelty_members %v, want 1", raw["novelty_members"])
	}
	delete(raw, "novelty_members")
	b, _ = json.Marshal(raw)
	if err := os.WriteFile(filepath.Join(old, ModelFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
	one, err := LoadModel(old)
	if err != nil {
		t.Fatal(err)
	}
	wantOne, _ := single.anomalies(x)
	if got, _ := one.anomalies(x); len(one.Novelty) != 1 || !slices.Equal(got, wantOne) {
		t.Errorf("the pre-ensemble model loads with %d encoders and the same distances: %v", len(one.Novelty), slices.Equal(got, wantOne))
	}
	again := t.TempDir()
	if err := one.Save(again); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadModel(again); err != nil {
		t.Errorf("a loaded model saved again does not load: %v", err)
	}
}

// TestNSLKDDFull trains examples/nslkdd.yaml on KDDTrain+_20Percent and
// reports the KDDTest+ metrics (minutes; CONTRAST_LONG=1).
func TestNSLKDDFull(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") == "" {
		t.Skip("set CONTRAST_LONG=1 for the full NSL-KDD run")
	}
	nslkddDir(t)
	var cfg Config
	if err := config.Load(filepath.Join(repoRoot(t), "examples", "nslkdd.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	root := repoRoot(t)
	for _, s := range []*string{&cfg.Train, &cfg.Test} {
		sp, err := data.ParseSpec(*s)
		if err != nil {
			t.Fatal(err)
		}
		*s = "nslkdd:" + filepath.Join(root, sp.Path) // the example's paths are relative to the repository
	}
	out := os.Getenv("CONTRAST_OUT")
	if out == "" {
		out = t.TempDir()
	}
	m, err := Train(context.Background(), cfg, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("%-32s %.4f", k, m[k])
	}
}

// TestCalibrationLeaveOneOut checks the calibration sample against naive
// loops: every validation normal scored against the bank, and every bank
// normal against the other bank normals (the k-th smallest of its distances
// to them, in each novelty space and in the input space); that the scales
// are the sample's medians (with input_weight > 0, where the score uses
// them) and that the threshold is its order statistic at 1-fpr.
func TestCalibrationLeaveOneOut(t *testing.T) {
	dir := nslkddDir(t)
	for _, weight := range []float64{0, 0.5} {
		t.Run(fmt.Sprint("input_weight ", weight), func(t *testing.T) {
			cfg := smokeConfig(t, dir, t.TempDir())
			cfg.SCARF.Epochs, cfg.SupCon.Epochs, cfg.Novelty.Epochs, cfg.Novelty.Members, cfg.Novelty.K = 0, 1, 1, 2, 3
			cfg.Novelty.InputWeight = weight
			checkCalibration(t, cfg)
		})
	}
}

func checkCalibration(t *testing.T, cfg Config) {
	m, metrics, all, val := fitSlice(t, cfg, 0.03)
	labels := all.CategoryLabels()
	w := m.Pipeline.Width()
	var bankNormal []float32
	for i, c := range m.bankCategory {
		if c == int(data.CategoryNormal) {
			bankNormal = append(bankNormal, m.bank[i*w:(i+1)*w]...)
		}
	}
	var valNormal []int
	for _, r := range val {
		if labels[r] == int(data.CategoryNormal) {
			valNormal = append(valNormal, r)
		}
	}
	vx, err := m.Pipeline.Encode(all.Subset(valNormal))
	if err != nil {
		t.Fatal(err)
	}
	nb, nv := len(bankNormal)/w, len(valNormal)
	// kth is the k-th smallest Euclidean distance from row q of a (width d)
	// to the rows of ref, leaving out row skip of ref (-1: none).
	kth := func(a []float32, q int, ref []float32, d, skip, k int) float64 {
		var ds []float64
		for j := range len(ref) / d {
			if j == skip {
				continue
			}
			var s float64
			for c := range d {
				diff := float64(a[q*d+c]) - float64(ref[j*d+c])
				s += diff * diff
			}
			ds = append(ds, math.Sqrt(s))
		}
		slices.Sort(ds)
		return ds[k-1]
	}
	wantL, wantI := make([]float64, nv+nb), make([]float64, nv+nb)
	ow := m.Pipeline.OneHotWidth()
	refI := m.Pipeline.OneHot(bankNormal)
	valI := m.Pipeline.OneHot(vx)
	for _, enc := range m.Novelty {
		ref, ve := m.embed(enc, bankNormal), m.embed(enc, vx)
		for i := range nv {
			wantL[i] += kth(ve, i, ref, enc.Dim, -1, m.K) / float64(len(m.Novelty))
		}
		for i := range nb {
			wantL[nv+i] += kth(ref, i, ref, enc.Dim, i, m.K) / float64(len(m.Novelty))
		}
	}
	for i := range nv {
		wantI[i] = kth(valI, i, refI, ow, -1, m.K)
	}
	for i := range nb {
		wantI[nv+i] = kth(refI, i, refI, ow, i, m.K)
	}
	all0 := make([]int, nv)
	for i := range all0 {
		all0[i] = i
	}
	gotL, gotI := calibrationDistances(m, vx, w, all0)
	near := func(got, want float64) bool { return math.Abs(got-want) <= 1e-4*max(1, want) }
	for i := range wantL {
		if !near(gotL[i], wantL[i]) || !near(gotI[i], wantI[i]) {
			t.Fatalf("calibration row %d (%d validation normals first): distances %v, %v; want %v, %v",
				i, nv, gotL[i], gotI[i], wantL[i], wantI[i])
		}
	}
	if got := metrics["anomaly_calibration_normals"]; got != float64(nv+nb) {
		t.Errorf("anomaly_calibration_normals %v, want %d validation + %d training normals", got, nv, nb)
	}
	median := func(v []float64) float64 { s := slices.Clone(v); slices.Sort(s); return s[len(s)/2] }
	if !near(m.LearnedScale, median(wantL)) || !near(m.InputScale, median(wantI)) {
		t.Errorf("scales %v, %v; want the medians %v, %v", m.LearnedScale, m.InputScale, median(wantL), median(wantI))
	}
	score := make([]float64, len(wantL))
	for i := range score {
		score[i] = m.anomalyScore(wantL[i], wantI[i])
	}
	slices.Sort(score)
	want := score[int(math.Ceil((1-cfg.Novelty.FPR)*float64(len(score))))-1]
	if !near(m.Threshold, want) {
		t.Errorf("threshold %v, want the calibration scores' order statistic at 1-fpr %v", m.Threshold, want)
	}
}
