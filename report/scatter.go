package report

import (
	"fmt"
	"image/color"
	"math/rand/v2"
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
	// The classes in increasing label order, each with its legend entry
	// (even one whose points are all non-finite).
	seen := map[int]bool{}
	for i, c := range s.Labels {
		if s.ClassNames != nil && (c < 0 || c >= len(s.ClassNames)) {
			return nil, fmt.Errorf("report: scatter label %d of point %d outside the %d class names: %w", c, i, len(s.ClassNames), ErrShape)
		}
		seen[c] = true
	}
	classes := sortedIntKeys(seen)
	colour := make(map[int]color.Color, len(classes))
	for i, c := range classes {
		colour[c] = categoryColor(i, len(classes))
	}

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
	// All points in one layer, in a shuffled order fixed by the data, so that
	// no class is drawn over the others wholesale where classes overlap.
	var xys plotter.XYs
	var cls []int
	for _, i := range rand.New(rand.NewPCG(uint64(n), 0x73636174)).Perm(n) {
		x, y := float64(s.Points[2*i]), float64(s.Points[2*i+1])
		if isFinite(x) && isFinite(y) {
			xys, cls = append(xys, plotter.XY{X: x, Y: y}), append(cls, s.Labels[i])
		}
	}
	if len(xys) > 0 {
		pts, err := plotter.NewScatter(xys)
		if err != nil {
			return nil, fmt.Errorf("report: scatter: %w", err)
		}
		pts.GlyphStyleFunc = func(i int) draw.GlyphStyle {
			return draw.GlyphStyle{Color: colour[cls[i]], Radius: radius, Shape: draw.CircleGlyph{}}
		}
		pl.Add(pts)
	}
	legend := plot.NewLegend()
	legend.Top, legend.Left = true, true
	for _, c := range classes {
		legend.Add(s.className(c), legendDot{draw.GlyphStyle{Color: colour[c], Radius: vg.Points(4), Shape: draw.CircleGlyph{}}})
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

// legendDot is a legend thumbnail: one dot of a class's colour.
type legendDot struct{ style draw.GlyphStyle }

// Thumbnail draws the dot at the centre of c.
func (d legendDot) Thumbnail(c *draw.Canvas) {
	c.DrawGlyph(d.style, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: (c.Min.Y + c.Max.Y) / 2})
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
