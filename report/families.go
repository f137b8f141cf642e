package report

import (
	"fmt"
	"slices"
)

// Axis is what the x axis of a metrics plot counts.
type Axis int

const (
	// AxisStep plots every record at its optimiser step.
	AxisStep Axis = iota
	// AxisEpoch plots one point per epoch: the mean of the finite values
	// recorded in that epoch (the epoch's value itself for metrics such as
	// kNN accuracy that are measured once per epoch).
	AxisEpoch
)

func (a Axis) String() string {
	switch a {
	case AxisStep:
		return "step"
	case AxisEpoch:
		return "epoch"
	}
	return fmt.Sprintf("Axis(%d)", int(a))
}

// MetricSeries extracts the values of key from records along axis, in
// record order for AxisStep and by increasing epoch for AxisEpoch. Records
// without key are skipped; the series is named key.
func MetricSeries(recs []Record, key string, axis Axis) Series {
	s := Series{Name: key}
	switch axis {
	case AxisEpoch:
		type acc struct {
			sum float64
			n   int
		}
		byEpoch := map[int]*acc{}
		var epochs []int
		for _, r := range recs {
			v, ok := r.Values[key]
			if !ok {
				continue
			}
			a := byEpoch[r.Epoch]
			if a == nil {
				a = &acc{}
				byEpoch[r.Epoch] = a
				epochs = append(epochs, r.Epoch)
			}
			if isFinite(v) {
				a.sum += v
				a.n++
			}
		}
		slices.Sort(epochs)
		for _, e := range epochs {
			a := byEpoch[e]
			mean := nan()
			if a.n > 0 {
				mean = a.sum / float64(a.n)
			}
			s.X = append(s.X, float64(e))
			s.Y = append(s.Y, mean)
		}
	default:
		for _, r := range recs {
			if v, ok := r.Values[key]; ok {
				s.X = append(s.X, float64(r.Step))
				s.Y = append(s.Y, v)
			}
		}
	}
	return s
}

// PanelSpec names the metric keys drawn together on one panel.
type PanelSpec struct {
	Title, YLabel string
	Keys          []string
}

// Family is a group of related metrics drawn as one figure (saved as
// Name + ".png", shown under Title): one panel per PanelSpec.
type Family struct {
	Name, Title string
	Panels      []PanelSpec
	Columns     int
}

// DefaultFamilies are the plots of a training run, under the metric names
// the trainer logs: loss, learning rate, kNN accuracy, and the collapse
// signals (SimSiam std, effective rank, alignment and uniformity; see
// package eval).
func DefaultFamilies() []Family {
	return []Family{
		{Name: "loss", Title: "Loss", Panels: []PanelSpec{{Title: "Training loss", YLabel: "loss", Keys: []string{"loss", "val_loss"}}}},
		{Name: "lr", Title: "Learning rate", Panels: []PanelSpec{{Title: "Learning rate", YLabel: "learning rate", Keys: []string{"lr"}}}},
		{Name: "knn", Title: "kNN accuracy", Panels: []PanelSpec{{Title: "kNN accuracy", YLabel: "accuracy", Keys: []string{"knn_top1", "knn_top5", "linear_probe"}}}},
		{Name: "collapse", Title: "Collapse signals", Columns: 2, Panels: []PanelSpec{
			{Title: "Std of normalised embeddings", YLabel: "std", Keys: []string{"std"}},
			{Title: "Effective rank", YLabel: "rank", Keys: []string{"effective_rank"}},
			{Title: "Alignment (lower is better)", YLabel: "alignment", Keys: []string{"alignment"}},
			{Title: "Uniformity (lower is better)", YLabel: "uniformity", Keys: []string{"uniformity"}},
		}},
	}
}

// FamilyFigure builds fam's figure from records. Keys absent from every
// record are left out, and so are panels left empty; ok is false when
// nothing of the family was recorded.
func FamilyFigure(recs []Record, fam Family, axis Axis) (fig Figure, ok bool) {
	fig.Columns = fam.Columns
	for _, ps := range fam.Panels {
		p := Panel{Title: ps.Title, XLabel: axis.String(), YLabel: ps.YLabel}
		for _, k := range ps.Keys {
			if s := MetricSeries(recs, k, axis); hasFinite(s) {
				p.Series = append(p.Series, s)
			}
		}
		if len(p.Series) > 0 {
			fig.Panels = append(fig.Panels, p)
		}
	}
	if fig.Columns > len(fig.Panels) {
		fig.Columns = len(fig.Panels)
	}
	return fig, len(fig.Panels) > 0
}

func hasFinite(s Series) bool {
	for i := range s.Y {
		if isFinite(s.X[i]) && isFinite(s.Y[i]) {
			return true
		}
	}
	return false
}
