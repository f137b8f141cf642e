package threat

import (
	"math"
	"testing"

	"github.com/contrast-ml/contrast/data"
)

func TestScoreClasses(t *testing.T) {
	N, D, P, R, U := data.CategoryNormal, data.CategoryDoS, data.CategoryProbe, data.CategoryR2L, data.CategoryU2R
	truth := []data.Category{N, N, N, D, D, P, R, R, U, data.CategoryUnknown}
	pred := []int{0, 0, 1, 1, 1, 2, 0, 3, 3, 2}
	m := scoreClasses(pred, truth)
	// Five-class over the 9 known rows: correct 0,1,3,4,5,7 = 6.
	if m.Accuracy5 != 6.0/9 {
		t.Errorf("accuracy5 %v, want 6/9", m.Accuracy5)
	}
	// Binary over all 10: wrong are row 2 (normal called dos) and row 6 (r2l called normal).
	if m.AccuracyBinary != 8.0/10 {
		t.Errorf("binary %v, want 0.8", m.AccuracyBinary)
	}
	wantRecall := [Classes]float64{2.0 / 3, 1, 1, 0.5, 0}
	if m.Recall != wantRecall {
		t.Errorf("recall %v, want %v", m.Recall, wantRecall)
	}
	// F1 per class: normal tp2 fp1 fn1 -> 4/6; dos tp2 fp1 fn0 -> 4/5; probe tp1 fp0 fn0 -> 1
	// (the unknown row's prediction of probe is not counted); r2l tp1 fp1 fn1 -> 2/4; u2r 0.
	want := (4.0/6 + 4.0/5 + 1 + 0.5 + 0) / 5
	if math.Abs(m.MacroF1-want) > 1e-12 {
		t.Errorf("macro F1 %v, want %v", m.MacroF1, want)
	}
}

func TestClassWeights(t *testing.T) {
	labels := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 2}
	rows := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, mode := range []ClassWeight{WeightSqrt, WeightBalanced, WeightNone} {
		w := classWeights(labels, rows, mode)
		// Mean weight per record is 1.
		var s float64
		for _, l := range labels {
			s += float64(w[l])
		}
		if math.Abs(s/10-1) > 1e-6 {
			t.Errorf("%v: mean weight %v", mode, s/10)
		}
		switch mode {
		case WeightBalanced: // raw n/(C n_c) = 10/30, 10/15, 10/5 for present classes; 1 for absent
			if r := float64(w[2] / w[0]); math.Abs(r-6) > 1e-5 {
				t.Errorf("balanced ratio %v, want 6", r)
			}
		case WeightSqrt:
			if r := float64(w[2] / w[0]); math.Abs(r-math.Sqrt(6)) > 1e-5 {
				t.Errorf("sqrt ratio %v, want sqrt 6", r)
			}
		case WeightNone:
			if w[0] != w[2] {
				t.Errorf("none: %v", w)
			}
		}
	}
}

func TestEnumsText(t *testing.T) {
	for _, c := range []CatEncoding{CatEmbedding, CatOneHot} {
		b, err := c.MarshalText()
		var back CatEncoding
		if err != nil || back.UnmarshalText(b) != nil || back != c {
			t.Errorf("%v round trip: %s %v", c, b, err)
		}
	}
	for _, n := range []NormKind{NormBatch, NormLayer, NormNone} {
		b, _ := n.MarshalText()
		var back NormKind
		if back.UnmarshalText(b) != nil || back != n {
			t.Errorf("%v round trip", n)
		}
	}
	for _, w := range []ClassWeight{WeightSqrt, WeightBalanced, WeightNone} {
		b, _ := w.MarshalText()
		var back ClassWeight
		if back.UnmarshalText(b) != nil || back != w {
			t.Errorf("%v round trip", w)
		}
	}
	for _, m := range []NoveltyMethod{NoveltySCARF, NoveltyShifted} {
		b, _ := m.MarshalText()
		var back NoveltyMethod
		if back.UnmarshalText(b) != nil || back != m {
			t.Errorf("%v round trip", m)
		}
	}
	var c CatEncoding
	if c.UnmarshalText([]byte("hash")) == nil {
		t.Error("unknown encoding accepted")
	}
	if _, err := CatEncoding(7).MarshalText(); err == nil {
		t.Error("invalid encoding marshalled")
	}
}

func TestValidate(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Config)
	}{
		{"task", func(c *Config) { c.Task = "vision" }},
		{"train kind", func(c *Config) { c.Train = "mnist" }},
		{"val", func(c *Config) { c.Val = 1 }},
		{"dim", func(c *Config) { c.Encoder.Dim = 0 }},
		{"rate", func(c *Config) { c.SCARF.Rate = 1.5 }},
		{"supcon epochs", func(c *Config) { c.SupCon.Epochs = 0 }},
		{"fpr", func(c *Config) { c.Novelty.FPR = 0 }},
		{"novelty method", func(c *Config) { c.Novelty.Method = 2 }},
		{"novelty negatives", func(c *Config) { c.Novelty.Method, c.Novelty.Negatives = NoveltyShifted, 0 }},
		{"novelty negative rate", func(c *Config) { c.Novelty.Method, c.Novelty.NegRate = NoveltyShifted, 0 }},
		{"novelty norm", func(c *Config) { c.Novelty.Norm = 3 }},
		{"input weight", func(c *Config) { c.Novelty.InputWeight = -1 }},
		{"input knn and input weight", func(c *Config) { c.Novelty.InputKNN, c.Novelty.InputWeight = true, 1 }},
		{"knn", func(c *Config) { c.KNN.K = 0 }},
	} {
		cfg := Default()
		c.edit(&cfg)
		if cfg.Validate() == nil {
			t.Errorf("%s: invalid config accepted", c.name)
		}
	}
	d := Default()
	if err := d.Validate(); err != nil {
		t.Errorf("default: %v", err)
	}
}

func TestTypicalScale(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{[]float64{3, 1, 2}, 2},      // the median
		{[]float64{0, 6, 0, 0}, 1.5}, // median 0: the mean
		{[]float64{0, 0}, 1},         // all 0
	} {
		if got := typicalScale(c.in); got != c.want {
			t.Errorf("typicalScale(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestAnomalyScore(t *testing.T) {
	for _, c := range []struct {
		name            string
		m               Model
		want, combined  float64
		learned, inputD float64
	}{
		{"learned", Model{LearnedScale: 2, InputScale: 4}, 3, 3.0/2 + 2.0/4, 3, 2},
		{"input", Model{InputKNN: true, InputWeight: 1, LearnedScale: 2, InputScale: 4}, 2, 3.0/2 + 2.0/4, 3, 2},
		{"weighted", Model{InputWeight: 2, LearnedScale: 2, InputScale: 4}, 3.0/2 + 2*2.0/4, 3.0/2 + 2.0/4, 3, 2},
	} {
		if got := c.m.anomalyScore(c.learned, c.inputD); got != c.want {
			t.Errorf("%s: anomalyScore %v, want %v", c.name, got, c.want)
		}
		if got := c.m.combinedScore(c.learned, c.inputD); got != c.combined {
			t.Errorf("%s: combinedScore %v, want %v", c.name, got, c.combined)
		}
	}
	if got := (&Model{}).combinedScore(1, 1); !math.IsNaN(got) {
		t.Errorf("combinedScore without scales %v, want NaN", got)
	}
}

// TestUnseenMetrics checks the anomaly figures on unseen attack types
// against values counted by hand: the seen types (neptune, smurf) drop out,
// the normals stay.
func TestUnseenMetrics(t *testing.T) {
	N, D, R := data.CategoryNormal, data.CategoryDoS, data.CategoryR2L
	truth := []data.Category{N, N, N, D, D, R, R}
	attacks := []string{"normal", "normal", "normal", "neptune", "smurf", "guess_passwd", "guess_passwd"}
	learned := []float64{1, 2, 3, 10, 0.5, 2.5, 4}
	input := []float64{1, 1, 1, 0, 9, 0.5, 2}
	scores := make([]Score, len(truth))
	for i := range scores {
		scores[i] = Score{Anomaly: learned[i], LearnedAnomaly: learned[i], InputAnomaly: input[i]}
	}
	m := &Model{TrainAttacks: []string{"neptune", "smurf"}}
	out := map[string]float64{}
	if err := m.putUnseen(out, scores, truth, attacks); err != nil {
		t.Fatal(err)
	}
	// Learned: 2.5 beats 1 and 2, 4 beats all three normals: 5 of 6 pairs.
	// Input: 0.5 beats none, 2 beats all three: 3 of 6. At 1% false alarms
	// (none of 3 normals) each detects one of the two.
	want := map[string]float64{
		"unseen_attack_rows":                       2,
		"auroc_anomaly_unseen":                     5.0 / 6,
		"auroc_anomaly_learned_unseen":             5.0 / 6,
		"auroc_anomaly_input_knn_unseen":           0.5,
		"tpr_at_fpr_1pct_anomaly_learned_unseen":   0.5,
		"tpr_at_fpr_1pct_anomaly_input_knn_unseen": 0.5,
		"auroc_anomaly_learned_minus_input_unseen": 5.0/6 - 0.5,
	}
	for k, v := range want {
		if got, ok := out[k]; !ok || math.Abs(got-v) > 1e-12 {
			t.Errorf("%s = %v (present %v), want %v", k, got, ok, v)
		}
	}
	if _, ok := out["auroc_anomaly_combined_unseen"]; ok {
		t.Error("combined figures without distance scales")
	}
	// A model without its training file's types writes none of them.
	out = map[string]float64{}
	if err := (&Model{}).putUnseen(out, scores, truth, attacks); err != nil || len(out) != 0 {
		t.Errorf("no TrainAttacks: %v, %v", out, err)
	}
}
