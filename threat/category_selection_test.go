package threat

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/internal/config"
)

// categoryRules name the ways TestNovelCategorySelection compares of
// categorising a record that the head calls normal and the anomaly score
// flags.
var categoryRules = [...]string{"head", "knn", "input"}

// TestNovelCategorySelection chooses, on the training file alone, how a
// record of an attack type the classifier never saw gets its category when
// the head calls it normal and the anomaly score flags it: KDDTest+'s new
// attack types reach the decision that way. For each attack type with enough
// records, the model is trained without that type (training and validation
// rows of it dropped), and its records are categorised by each rule:
//
//   - head: the head's most probable attack category (the default);
//   - knn: the weighted kNN vote of the nearest attack records of the bank in
//     the classifier's space (the model's knn settings);
//   - input: the category of the nearest attack record of the bank in the
//     scaled one-hot input space.
//
// It prints, per held-out type, how many of its records the rules decide
// and the fraction of those each puts in the type's category, then each
// rule's fraction over all decided records pooled; it checks that the model's
// reference bank holds exactly the training rows without the held-out type
// (9 trainings, 7.5 minutes on two cores; CONTRAST_LONG=1):
//
//	CONTRAST_LONG=1 go test -run TestNovelCategorySelection -v ./threat
func TestNovelCategorySelection(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") == "" {
		t.Skip("set CONTRAST_LONG=1 for the novel-attack category selection")
	}
	var cfg Config
	if err := config.Load(filepath.Join(repoRoot(t), "examples", "nslkdd.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	all := mustTable(t, "nslkdd:"+filepath.Join(nslkddDir(t), "KDDTrain+_20Percent.txt"))
	labels := all.CategoryLabels()
	valRows, trainRows, err := data.StratifiedSplit(labels, cfg.Val, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	var pooled [len(categoryRules)]int
	pooledN := 0
	types := []string{"warezclient", "back", "teardrop", "smurf", "pod", "nmap", "ipsweep", "satan", "portsweep"}
	for _, held := range types {
		without := func(rows []int) []int {
			var out []int
			for _, r := range rows {
				if all.Attack[r] != held {
					out = append(out, r)
				}
			}
			return out
		}
		kept := without(trainRows)
		m, _, err := fit(context.Background(), cfg, all, kept, without(valRows), nil)
		if err != nil {
			t.Fatal(err)
		}
		bank, err := m.Pipeline.Encode(all.Subset(kept))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(m.bank, bank) {
			t.Fatalf("%s held out: the reference bank is not the training rows without it", held)
		}
		var rows []int
		for r := range labels {
			if all.Attack[r] == held {
				rows = append(rows, r)
			}
		}
		x, err := m.Pipeline.Encode(all.Subset(rows))
		if err != nil {
			t.Fatal(err)
		}
		scores, err := m.scoreEncoded(x)
		if err != nil {
			t.Fatal(err)
		}
		cats, err := novelCategories(m, x)
		if err != nil {
			t.Fatal(err)
		}
		want := int(all.Category[rows[0]])
		var decided, headAttack int
		var right [len(categoryRules)]int
		for i, s := range scores {
			if s.Head != data.CategoryNormal {
				headAttack++
				continue
			}
			if !s.Novel {
				continue
			}
			decided++
			for j := range categoryRules {
				if cats[j][i] == want {
					right[j]++
				}
			}
		}
		line := fmt.Sprintf("%-12s (%v) %4d records: head says attack %4d, rule decides %4d:", held, data.Category(want), len(rows), headAttack, decided)
		for j, name := range categoryRules {
			f := 0.0
			if decided > 0 {
				f = float64(right[j]) / float64(decided)
			}
			pooled[j] += right[j]
			line += fmt.Sprintf("  %s %.3f", name, f)
		}
		pooledN += decided
		t.Log(line)
	}
	line := fmt.Sprintf("pooled over %d decided records:", pooledN)
	for j, name := range categoryRules {
		line += fmt.Sprintf("  %s %.3f", name, float64(pooled[j])/float64(max(1, pooledN)))
	}
	t.Log(line)
}

// novelCategories returns, for every encoded row of x and every rule of
// categoryRules, the attack category the rule gives.
func novelCategories(m *Model, x []float32) ([len(categoryRules)][]int, error) {
	var out [len(categoryRules)][]int
	w := m.Pipeline.Width()
	n := len(x) / w
	logits := m.logits(x)
	out[0] = make([]int, n)
	for i := range n {
		p := softmax(logits[i*Classes : (i+1)*Classes])
		out[0][i] = 1 + argmax(p[1:])
	}
	var attackRows []int
	for i, c := range m.bankCategory {
		if c != int(data.CategoryNormal) {
			attackRows = append(attackRows, i)
		}
	}
	d := m.Classifier.Dim
	ref := gatherRows(m.trainEmb, d, attackRows)
	refCat := make([]int, len(attackRows))
	for i, r := range attackRows {
		refCat[i] = m.bankCategory[r]
	}
	qm, err := eval.NewMatrix(n, d, m.embed(m.Classifier, x))
	if err != nil {
		return out, err
	}
	rm, err := eval.NewMatrix(len(attackRows), d, ref)
	if err != nil {
		return out, err
	}
	if out[1], err = eval.KNNClassify(qm, rm, refCat, eval.KNNConfig{K: m.KNN.K, Temperature: m.KNN.Temperature}); err != nil {
		return out, err
	}
	ow := m.Pipeline.OneHotWidth()
	q, r := m.Pipeline.OneHot(x), m.Pipeline.OneHot(gatherRows(m.bank, w, attackRows))
	out[2] = make([]int, n)
	for i := range n {
		best, bi := float32(-1), 0
		for j := range attackRows {
			var s float32
			for k := range ow {
				v := q[i*ow+k] - r[j*ow+k]
				s += v * v
			}
			if best < 0 || s < best {
				best, bi = s, j
			}
		}
		out[2][i] = refCat[bi]
	}
	return out, nil
}
