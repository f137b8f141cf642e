package report

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve, (X[i], Y[i]) in order. Points with a
// non-finite coordinate (a NaN loss, a metric not measured) are skipped, so
// a curve can have gaps in its data without breaking the plot.
type Series struct {
	Name string
	X, Y []float64
}

// Panel is one set of axes with any number of series, each in its own
// colour and listed in the legend when it has a name.
type Panel struct {
	Title, XLabel, YLabel string
	Series                []Series
}

// Figure is one image of line plots: Panels laid out row by row in Columns
// columns (all in one row when Columns <= 0), with aligned axes.
type Figure struct {
	Panels  []Panel
	Columns int
}

// markerMax is the number of points up to which a line also marks its
// points, so short per-epoch curves (and single points) stay visible.
const markerMax = 60

// PNG renders the figure as a width x height pixel PNG. Errors wrap ErrShape
// for a series whose X and Y lengths differ, no panels, or a size out of
// range.
func (f Figure) PNG(width, height int) ([]byte, error) {
	if len(f.Panels) == 0 {
		return nil, fmt.Errorf("report: line figure has no panels: %w", ErrShape)
	}
	cols := f.Columns
	if cols <= 0 || cols > len(f.Panels) {
		cols = len(f.Panels)
	}
	rows := (len(f.Panels) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	for i, p := range f.Panels {
		pl, err := p.plot()
		if err != nil {
			return nil, err
		}
		grid[i/cols][i%cols] = pl
	}
	img, err := pixelCanvas("line figure", width, height)
	if err != nil {
		return nil, err
	}
	dc := drawCanvas(img)
	pad := vg.Points(6)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 3 * pad, PadY: 3 * pad,
		PadTop: pad, PadBottom: pad, PadLeft: pad, PadRight: 2 * pad}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, pl := range grid[r] {
			if pl != nil {
				makeLegendRoom(pl, pl.DataCanvas(canvases[r][c]))
				pl.Draw(canvases[r][c])
			}
		}
	}
	return encodePNG(img)
}

func (p Panel) plot() (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = p.Title
	pl.X.Label.Text = p.XLabel
	pl.Y.Label.Text = p.YLabel
	pl.Legend.Top = true
	pl.Add(plotter.NewGrid())
	for i, s := range p.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("report: series %q has %d x and %d y values: %w", s.Name, len(s.X), len(s.Y), ErrShape)
		}
		xys := finitePoints(s.X, s.Y)
		if len(xys) == 0 {
			continue
		}
		col := categoryColor(i, len(p.Series))
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("report: series %q: %w", s.Name, err)
		}
		line.LineStyle.Color = col
		line.LineStyle.Width = vg.Points(1.5)
		pl.Add(line)
		thumbs := []plot.Thumbnailer{line}
		if len(xys) <= markerMax {
			pts, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, fmt.Errorf("report: series %q: %w", s.Name, err)
			}
			pts.GlyphStyle = draw.GlyphStyle{Color: col, Radius: vg.Points(2.5), Shape: draw.CircleGlyph{}}
			pl.Add(pts)
			thumbs = append(thumbs, pts)
		}
		if s.Name != "" {
			pl.Legend.Add(s.Name, thumbs...)
		}
	}
	if pl.Y.Min == pl.Y.Max { // a constant curve: centre it in a narrow range, not ±1
		d := math.Max(math.Abs(pl.Y.Min)*0.05, 1e-9)
		pl.Y.Min, pl.Y.Max = pl.Y.Min-d, pl.Y.Max+d
	}
	if len(p.Series) < 2 { // a lone curve is named by the title
		pl.Legend = plot.NewLegend()
	}
	return pl, nil
}

// makeLegendRoom raises the top of pl's y range so that its legend (drawn
// in the top right corner of the data area) sits above every curve.
func makeLegendRoom(pl *plot.Plot, data draw.Canvas) {
	legendH := pl.Legend.Rectangle(data).Size().Y
	if legendH == 0 {
		return
	}
	// The margin covers the font descent and the padding for point markers.
	frac := float64((legendH + vg.Points(12)) / (data.Max.Y - data.Min.Y))
	if frac <= 0 || frac > 0.5 {
		frac = 0.5
	}
	pl.Y.Max += (pl.Y.Max - pl.Y.Min) * frac / (1 - frac)
}

func finitePoints(x, y []float64) plotter.XYs {
	xys := make(plotter.XYs, 0, len(x))
	for i := range x {
		if isFinite(x[i]) && isFinite(y[i]) {
			xys = append(xys, plotter.XY{X: x[i], Y: y[i]})
		}
	}
	return xys
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
