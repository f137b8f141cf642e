package report

import (
	"fmt"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Scatter is a 2-D map of embeddings coloured by class, with a legend of
// class names beside the plot. The caller projects the embeddings: e.g.
// eval.PCA(x, 2).Projected.Data or eval.TSNE(x, cfg).Embedding.Data.
type Scatter struct {
	Title          string
	XLabel, YLabel string
	// Points is (n, 2), row-major: point i is (Points[2i], Points[2i+1]).
	// Points with a non-finite coordinate are skipped.
	Points []float32
	// Labels is (n,): the class of each point.
	Labels []int
	// ClassNames, when set, names class c as ClassNames[c] and then every
	// label must lie in [0, len(ClassNames)); otherwise classes are named by
	// their label values.
	ClassNames []string
	// Radius is the dot radius in points [1.5].
	Radius float64
}

// PNG renders the scatter plot as a width x height pixel PNG. Inconsistent
// inputs (odd or mismatched lengths, labels outside ClassNames) return
// errors wrapping ErrShape.
func (s Scatter) PNG(width, height int) ([]byte, error) {
	if len(s.Points)%2 != 0 {
		return nil, fmt.Errorf("report: scatter points have %d values, want (n, 2): %w", len(s.Points), ErrShape)
	}
	n := len(s.Points) / 2
	if len(s.Labels) != n {
		return nil, fmt.Errorf("report: scatter has %d points and %d labels: %w", n, len(s.Labels), ErrShape)
	}
	// Group points by class, classes in increasing label order.
	byClass := map[int]plotter.XYs{}
	for i, c := range s.Labels {
		if s.ClassNames != nil && (c < 0 || c >= len(s.ClassNames)) {
			return nil, fmt.Errorf("report: scatter label %d of point %d outside the %d class names: %w", c, i, len(s.ClassNames), ErrShape)
		}
		x, y := float64(s.Points[2*i]), float64(s.Points[2*i+1])
		xys := byClass[c]
		if isFinite(x) && isFinite(y) {
			xys = append(xys, plotter.XY{X: x, Y: y})
		}
		byClass[c] = xys
	}
	classes := sortedIntKeys(byClass)

	img, err := pixelCanvas("scatter", width, height)
	if err != nil {
		return nil, err
	}
	radius := vg.Points(1.5)
	if s.Radius > 0 {
		radius = vg.Points(s.Radius)
	}
	pl := plot.New()
	pl.Title.Text = s.Title
	pl.X.Label.Text = s.XLabel
	pl.Y.Label.Text = s.YLabel
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	for i, c := range classes {
		col := categoryColor(i, len(classes))
		// An empty class still gets its legend entry; plotter needs a point.
		pts, err := plotter.NewScatter(byClass[c])
		if err != nil {
			return nil, fmt.Errorf("report: scatter class %d: %w", c, err)
		}
		pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: radius, Shape: draw.CircleGlyph{}}
		if len(byClass[c]) > 0 {
			pl.Add(pts)
		}
		thumb := *pts
		thumb.GlyphStyle.Radius = vg.Points(4)
		legend.Add(s.className(c), &thumb)
	}

	dc := drawCanvas(img)
	pad := vg.Points(8)
	legendW := legend.Rectangle(dc).Size().X + legend.ThumbnailWidth/2
	if max := (dc.Max.X - dc.Min.X) / 3; legendW > max {
		legendW = max
	}
	plotArea := draw.Crop(dc, pad, -(legendW + 2*pad), pad, -pad)
	pl.Draw(plotArea)
	legendArea := draw.Crop(dc, dc.Max.X-dc.Min.X-legendW-pad, -pad, pad, -3*pad)
	legend.Draw(legendArea)
	return encodePNG(img)
}

func (s Scatter) className(c int) string {
	if s.ClassNames != nil {
		return s.ClassNames[c]
	}
	return strconv.Itoa(c)
}

func sortedIntKeys[V any](m map[int]V) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
