package threat

import (
	"context"
	"fmt"
	"math"
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
var categoryRules = [...]string{"head", "knn", "input", "probe", "probe_sqrt"}

// heldOutTypes are the attack types of the training file with enough records
// to be held out of training in turn.
var heldOutTypes = []string{"warezclient", "back", "teardrop", "smurf", "pod", "nmap", "ipsweep", "satan", "portsweep"}

// heldOut is one attack type held out of training, with the models trained
// without it.
type heldOut struct {
	name   string
	want   int       // the type's category
	x      []float32 // its records, encoded by the models' pipeline
	models []*Model  // trained without it, from different seeds
	scores [][]Score // per model, the scores of its records
}

// forEachHeldOut trains, for every type of heldOutTypes, seeds models (seed
// cfg.Seed, cfg.Seed+1000, ...) on the training split of examples/nslkdd.yaml
// without that type (its training and validation rows dropped), checks that
// the first model's reference bank holds exactly the training rows without
// it, and calls fn. Every model but the first trains its novelty encoder for
// one epoch only: only the first model's anomaly score is read.
func forEachHeldOut(t *testing.T, seeds int, fn func(h heldOut)) {
	t.Helper()
	var cfg Config
	if err := config.Load(filepath.Join(repoRoot(t), "examples", "nslkdd.yaml"), &cfg); err != nil {
		t.Fatal(err)
	}
	cfg.Novelty.Members = 1 // the figures in threat/doc.go were measured with one novelty encoder
	all := mustTable(t, "nslkdd:"+filepath.Join(nslkddDir(t), "KDDTrain+_20Percent.txt"))
	labels := all.CategoryLabels()
	valRows, trainRows, err := data.StratifiedSplit(labels, cfg.Val, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	for _, held := range heldOutTypes {
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
		var rows []int
		for r := range labels {
			if all.Attack[r] == held {
				rows = append(rows, r)
			}
		}
		h := heldOut{name: held, want: int(all.Category[rows[0]])}
		for s := range seeds {
			c := cfg
			c.Seed += 1000 * uint64(s)
			if s > 0 {
				c.Novelty.Epochs = 1
			}
			m, _, err := fit(context.Background(), c, all, kept, without(valRows), nil)
			if err != nil {
				t.Fatal(err)
			}
			if s == 0 {
				bank, err := m.Pipeline.Encode(all.Subset(kept))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(m.bank, bank) {
					t.Fatalf("%s held out: the reference bank is not the training rows without it", held)
				}
				if h.x, err = m.Pipeline.Encode(all.Subset(rows)); err != nil {
					t.Fatal(err)
				}
			}
			scores, err := m.scoreEncoded(h.x)
			if err != nil {
				t.Fatal(err)
			}
			h.models, h.scores = append(h.models, m), append(h.scores, scores)
		}
		fn(h)
	}
}

// decided reports whether the first model leaves record i's category to a
// rule: its head calls it normal and its anomaly score flags it.
func (h heldOut) decided(i int) bool {
	s := h.scores[0][i]
	return s.Head == data.CategoryNormal && s.Novel
}

// ruleTally counts, per rule, the decided records put in the right category.
type ruleTally struct {
	names         []string
	right, pooled []int
	decided, n    int
}

func newRuleTally(names ...string) *ruleTally {
	return &ruleTally{names: names, right: make([]int, len(names)), pooled: make([]int, len(names))}
}

// add scores, for every decided record of h, the category each rule gives
// (cats[rule][record]) and logs the type's line.
func (r *ruleTally) add(t *testing.T, h heldOut, cats [][]int) {
	t.Helper()
	clear(r.right)
	r.decided = 0
	for i := range h.scores[0] {
		if !h.decided(i) {
			continue
		}
		r.decided++
		for j := range r.names {
			if cats[j][i] == h.want {
				r.right[j]++
			}
		}
	}
	line := fmt.Sprintf("%-12s (%v) %4d records, rules decide %4d:", h.name, data.Category(h.want), len(h.scores[0]), r.decided)
	for j, name := range r.names {
		r.pooled[j] += r.right[j]
		line += fmt.Sprintf("  %s %.3f", name, float64(r.right[j])/float64(max(1, r.decided)))
	}
	r.n += r.decided
	t.Log(line)
}

// log logs each rule's fraction over all decided records pooled.
func (r *ruleTally) log(t *testing.T) {
	t.Helper()
	line := fmt.Sprintf("pooled over %d decided records:", r.n)
	for j, name := range r.names {
		line += fmt.Sprintf("  %s %.3f", name, float64(r.pooled[j])/float64(max(1, r.n)))
	}
	t.Log(line)
}

// TestNovelCategorySelection chooses, on the training file alone, how a
// record of an attack type the classifier never saw gets its category when
// the head calls it normal and the anomaly score flags it: KDDTest+'s new
// attack types reach the decision that way. For each attack type with enough
// records, the model is trained without that type, and its records are
// categorised by each rule:
//
//   - head: the head's most probable attack category (the default);
//   - knn: the weighted kNN vote of the nearest attack records of the bank in
//     the classifier's space (the model's knn settings);
//   - input: the category of the nearest attack record of the bank in the
//     scaled one-hot input space;
//   - probe: a linear probe (eval.FitLinear) on the classifier's
//     representations of the bank's attack records, four classes, no class
//     weights;
//   - probe_sqrt: the same with each record counted the square root of
//     (largest class / its class) times, as the head's class weights do.
//
// It prints, per held-out type, how many of its records the rules decide
// and the fraction of those each puts in the type's category, then each
// rule's fraction over all decided records pooled (9 trainings, 7.5 minutes
// on two cores; CONTRAST_LONG=1):
//
//	CONTRAST_LONG=1 go test -run TestNovelCategorySelection -v ./threat
func TestNovelCategorySelection(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") == "" {
		t.Skip("set CONTRAST_LONG=1 for the novel-attack category selection")
	}
	tally := newRuleTally(categoryRules[:]...)
	forEachHeldOut(t, 1, func(h heldOut) {
		cats, err := novelCategories(h.models[0], h.x)
		if err != nil {
			t.Fatal(err)
		}
		tally.add(t, h, cats[:])
	})
	tally.log(t)
}

// TestHeadEnsembleSelection asks, on the same held-out attack types as
// TestNovelCategorySelection, whether averaging the heads of three models
// (trained from seeds 1, 1001 and 2001) categorises the records the first
// model's head calls normal and its anomaly score flags better than one
// head does: it prints each head's fraction in the right category and that
// of the mean of their probabilities (27 trainings, 17 minutes on two
// cores; CONTRAST_LONG=1):
//
//	CONTRAST_LONG=1 go test -run TestHeadEnsembleSelection -v ./threat
func TestHeadEnsembleSelection(t *testing.T) {
	if os.Getenv("CONTRAST_LONG") == "" {
		t.Skip("set CONTRAST_LONG=1 for the head ensemble selection")
	}
	const seeds = 3
	tally := newRuleTally("head1", "head2", "head3", "mean")
	forEachHeldOut(t, seeds, func(h heldOut) {
		cats := make([][]int, seeds+1)
		n := len(h.scores[0])
		for j := range cats {
			cats[j] = make([]int, n)
		}
		for i := range n {
			var mean [Classes]float64
			for s := range seeds {
				p := h.scores[s][i].Probs
				cats[s][i] = 1 + argmax(p[1:])
				for c := range mean {
					mean[c] += p[c] / seeds
				}
			}
			cats[seeds][i] = 1 + argmax(mean[1:])
		}
		tally.add(t, h, cats)
	})
	tally.log(t)
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
	emb := m.embed(m.Classifier, x)
	qm, err := eval.NewMatrix(n, d, emb)
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
	for j, sqrtWeights := range []bool{false, true} {
		if out[3+j], err = attackProbe(ref, refCat, d, qm, sqrtWeights); err != nil {
			return out, err
		}
	}
	return out, nil
}

// attackProbe fits a linear probe on the representations ref (d wide) of
// attack records of categories cat and predicts the rows of q; with
// sqrtWeights each training record is repeated round(sqrt(largest class /
// its class)) times.
func attackProbe(ref []float32, cat []int, d int, q eval.Matrix, sqrtWeights bool) ([]int, error) {
	count := map[int]int{}
	largest := 0
	for _, c := range cat {
		count[c]++
		largest = max(largest, count[c])
	}
	var x []float32
	var y []int
	for i, c := range cat {
		rep := 1
		if sqrtWeights {
			rep = int(math.Round(math.Sqrt(float64(largest) / float64(count[c]))))
		}
		for range rep {
			x = append(x, ref[i*d:(i+1)*d]...)
			y = append(y, c)
		}
	}
	xm, err := eval.NewMatrix(len(y), d, x)
	if err != nil {
		return nil, err
	}
	lc, _, err := eval.FitLinear(xm, y, eval.DefaultProbe())
	if err != nil {
		return nil, err
	}
	return lc.Predict(q)
}
