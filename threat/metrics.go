package threat

import "github.com/contrast-ml/contrast/data"

// Classes is the number of categories the classifier predicts: normal, dos,
// probe, r2l, u2r (data.Category values 0..4).
const Classes = data.NumCategories

// classMetrics holds multi-class scores of predictions against categories.
type classMetrics struct {
	Accuracy5, AccuracyBinary, MacroF1 float64
	Recall                             [Classes]float64
	Support                            [Classes]int
}

// scoreClasses compares predicted categories (0..4) with true ones. Rows of
// an unknown category (an attack name with no category) count as attacks in
// the binary accuracy and are left out of the five-class scores.
func scoreClasses(pred []int, truth []data.Category) classMetrics {
	var m classMetrics
	var tp, fp, fn [Classes]int
	var n5, ok5, okBin int
	for i, p := range pred {
		t := truth[i]
		if (p != int(data.CategoryNormal)) == (t != data.CategoryNormal) {
			okBin++
		}
		if t < 0 || int(t) >= Classes {
			continue
		}
		n5++
		m.Support[t]++
		if p == int(t) {
			ok5++
			tp[t]++
		} else {
			fn[t]++
			if p >= 0 && p < Classes {
				fp[p]++
			}
		}
	}
	if n5 > 0 {
		m.Accuracy5 = float64(ok5) / float64(n5)
	}
	if len(pred) > 0 {
		m.AccuracyBinary = float64(okBin) / float64(len(pred))
	}
	// Macro F1 over the classes present in the truth (as scikit-learn does
	// over the union of labels; a class never present nor predicted adds 0).
	var f1sum float64
	var classes int
	for c := range Classes {
		if m.Support[c] > 0 {
			m.Recall[c] = float64(tp[c]) / float64(m.Support[c])
		}
		if m.Support[c] == 0 && fp[c] == 0 {
			continue
		}
		classes++
		if tp[c] > 0 {
			f1sum += 2 * float64(tp[c]) / float64(2*tp[c]+fp[c]+fn[c])
		}
	}
	if classes > 0 {
		m.MacroF1 = f1sum / float64(classes)
	}
	return m
}

// put writes the scores into out with the given key suffix ("" or "_head").
func (m classMetrics) put(out map[string]float64, suffix string) {
	out["accuracy_5class"+suffix] = m.Accuracy5
	out["accuracy_binary"+suffix] = m.AccuracyBinary
	out["macro_f1_5class"+suffix] = m.MacroF1
	for c := range Classes {
		out["recall_"+data.Category(c).String()+suffix] = m.Recall[c]
	}
}
