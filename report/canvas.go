package report

import (
	"bytes"
	"errors"
	"fmt"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// ErrShape is wrapped by errors about inconsistent plot and image inputs
// (lengths that do not match, sizes out of range, indices out of range).
var ErrShape = errors.New("inconsistent shapes")

// plotDPI is the resolution of rendered plots; sizes are given in pixels.
const plotDPI = 96

// maxPlotPixels bounds a rendered plot's side, so that a stray size cannot
// allocate gigabytes.
const maxPlotPixels = 8192

// pixelCanvas is a white raster canvas of exactly width x height pixels.
func pixelCanvas(op string, width, height int) (*vgimg.Canvas, error) {
	if width < 16 || height < 16 || width > maxPlotPixels || height > maxPlotPixels {
		return nil, fmt.Errorf("report: %s: size %dx%d pixels, want 16..%d each: %w",
			op, width, height, maxPlotPixels, ErrShape)
	}
	px := func(n int) vg.Length { return vg.Length(n) * vg.Inch / plotDPI }
	return vgimg.NewWith(vgimg.UseWH(px(width), px(height)), vgimg.UseDPI(plotDPI)), nil
}

// encodePNG renders c as PNG bytes.
func encodePNG(c *vgimg.Canvas) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("report: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// drawCanvas wraps c for plot drawing.
func drawCanvas(c *vgimg.Canvas) draw.Canvas { return draw.New(c) }
