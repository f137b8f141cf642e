package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
)

// Images is a batch of images, float32 in [0, 1] (values outside are
// clamped, NaN drawn black), laid out (n, Channels, Height, Width) row-major
// as the data loaders produce them; Channels is 1 (grey) or 3 (RGB).
type Images struct {
	Channels, Height, Width int
	Data                    []float32
}

// Len is the number of images, len(Data) / (Channels*Height*Width).
func (im Images) Len() int {
	if size := im.Channels * im.Height * im.Width; size > 0 {
		return len(im.Data) / size
	}
	return 0
}

func (im Images) check(op, name string) error {
	switch {
	case im.Channels != 1 && im.Channels != 3:
		return fmt.Errorf("report: %s: %s have %d channels, want 1 or 3: %w", op, name, im.Channels, ErrShape)
	case im.Height < 1 || im.Width < 1 || im.Height > 1024 || im.Width > 1024:
		return fmt.Errorf("report: %s: %s are %dx%d, want 1..1024 each side: %w", op, name, im.Height, im.Width, ErrShape)
	case len(im.Data)%(im.Channels*im.Height*im.Width) != 0:
		return fmt.Errorf("report: %s: %s: %d values is not a whole number of (%d, %d, %d) images: %w",
			op, name, len(im.Data), im.Channels, im.Height, im.Width, ErrShape)
	}
	return nil
}

// drawAt copies image i, scaled up s times by pixel replication, to dst
// with its top-left corner at p.
func (im Images) drawAt(dst *image.RGBA, i int, p image.Point, s int) {
	plane := im.Height * im.Width
	base := i * im.Channels * plane
	for y := range im.Height {
		for x := range im.Width {
			var c color.RGBA
			c.A = 0xff
			off := base + y*im.Width + x
			if im.Channels == 1 {
				v := unitToByte(im.Data[off])
				c.R, c.G, c.B = v, v, v
			} else {
				c.R = unitToByte(im.Data[off])
				c.G = unitToByte(im.Data[off+plane])
				c.B = unitToByte(im.Data[off+2*plane])
			}
			for dy := range s {
				for dx := range s {
					dst.SetRGBA(p.X+x*s+dx, p.Y+y*s+dy, c)
				}
			}
		}
	}
}

// unitToByte maps [0, 1] to 0..255, rounding; out of range clamps, NaN is 0.
func unitToByte(v float32) uint8 {
	switch {
	case !(v > 0): // also NaN
		return 0
	case v >= 1:
		return 255
	}
	return uint8(math.Round(float64(v) * 255))
}

// Frame colours of the neighbour grid.
var (
	FrameQuery   = color.RGBA{0x1f, 0x77, 0xb4, 0xff} // blue: the query image
	FrameCorrect = color.RGBA{0x2c, 0xa0, 0x2c, 0xff} // green: a neighbour of the query's class
	FrameWrong   = color.RGBA{0xd6, 0x27, 0x28, 0xff} // red: a neighbour of another class
)

// Geometry of the neighbour grid, in output pixels.
const (
	gridPad   = 4  // around every cell and the image border
	gridFrame = 3  // frame thickness
	gridGap   = 16 // extra space between the query column and its neighbours
)

// NeighborGrid shows a few queries with their nearest neighbours: one row
// per query, the query first (framed blue), then its neighbours best first,
// framed green when the neighbour's label equals the query's and red
// otherwise. Rows with fewer neighbours than the longest row end early.
type NeighborGrid struct {
	Queries     Images
	QueryLabels []int // (len(Queries),)
	References  Images
	RefLabels   []int // (len(References),)
	// Neighbors[q] holds indices into References, nearest first, for query q;
	// len(Neighbors) == Queries.Len().
	Neighbors [][]int
	// Scale is the integer upscaling of every image [the smallest that
	// makes an image at least 64 pixels on its longer side, at most 16].
	Scale int
}

// Image draws the grid. Inconsistent inputs return errors wrapping ErrShape.
func (g NeighborGrid) Image() (*image.RGBA, error) {
	const op = "neighbour grid"
	if err := g.Queries.check(op, "queries"); err != nil {
		return nil, err
	}
	if err := g.References.check(op, "references"); err != nil {
		return nil, err
	}
	q, r := g.Queries, g.References
	if q.Channels != r.Channels || q.Height != r.Height || q.Width != r.Width {
		return nil, fmt.Errorf("report: %s: queries are (%d, %d, %d) images, references (%d, %d, %d): %w",
			op, q.Channels, q.Height, q.Width, r.Channels, r.Height, r.Width, ErrShape)
	}
	nq, nr := q.Len(), r.Len()
	if nq == 0 || nq > 256 {
		return nil, fmt.Errorf("report: %s: %d queries, want 1..256: %w", op, nq, ErrShape)
	}
	if len(g.QueryLabels) != nq || len(g.RefLabels) != nr || len(g.Neighbors) != nq {
		return nil, fmt.Errorf("report: %s: %d queries with %d labels and %d neighbour lists, %d references with %d labels: %w",
			op, nq, len(g.QueryLabels), len(g.Neighbors), nr, len(g.RefLabels), ErrShape)
	}
	k := 0
	for qi, nb := range g.Neighbors {
		k = max(k, len(nb))
		for _, j := range nb {
			if j < 0 || j >= nr {
				return nil, fmt.Errorf("report: %s: query %d has neighbour %d, want 0..%d: %w", op, qi, j, nr-1, ErrShape)
			}
		}
	}
	if k > 256 {
		return nil, fmt.Errorf("report: %s: %d neighbours per query, want at most 256: %w", op, k, ErrShape)
	}
	s := g.Scale
	if s <= 0 {
		s = min(16, max(1, (64+max(q.Height, q.Width)-1)/max(q.Height, q.Width)))
	}
	if s > 16 {
		return nil, fmt.Errorf("report: %s: scale %d, want at most 16: %w", op, s, ErrShape)
	}
	lay := gridLayout{cellW: q.Width*s + 2*gridFrame, cellH: q.Height*s + 2*gridFrame}
	w, h := lay.size(nq, k)
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src)
	for qi := range nq {
		lay.frame(dst, lay.cell(qi, -1), FrameQuery)
		q.drawAt(dst, qi, lay.cell(qi, -1).Min.Add(image.Pt(gridFrame, gridFrame)), s)
		for col, j := range g.Neighbors[qi] {
			c := FrameWrong
			if g.RefLabels[j] == g.QueryLabels[qi] {
				c = FrameCorrect
			}
			lay.frame(dst, lay.cell(qi, col), c)
			r.drawAt(dst, j, lay.cell(qi, col).Min.Add(image.Pt(gridFrame, gridFrame)), s)
		}
	}
	return dst, nil
}

// PNG encodes Image as PNG.
func (g NeighborGrid) PNG() ([]byte, error) {
	img, err := g.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("report: encode neighbour grid: %w", err)
	}
	return buf.Bytes(), nil
}

// gridLayout places framed cells (frame included in cellW x cellH).
type gridLayout struct{ cellW, cellH int }

// size is the whole image for nq rows of one query and k neighbours.
func (l gridLayout) size(nq, k int) (w, h int) {
	w = gridPad + l.cellW + gridGap + k*(l.cellW+gridPad) + gridPad
	h = gridPad + nq*(l.cellH+gridPad)
	return w, h
}

// cell is the framed rectangle of row q, column col (-1 for the query).
func (l gridLayout) cell(q, col int) image.Rectangle {
	x := gridPad
	if col >= 0 {
		x += l.cellW + gridPad + gridGap + col*(l.cellW+gridPad)
	}
	y := gridPad + q*(l.cellH+gridPad)
	return image.Rect(x, y, x+l.cellW, y+l.cellH)
}

// frame paints r's border, gridFrame pixels thick, in c.
func (l gridLayout) frame(dst *image.RGBA, r image.Rectangle, c color.RGBA) {
	u := &image.Uniform{c}
	t := gridFrame
	for _, b := range []image.Rectangle{
		{r.Min, image.Pt(r.Max.X, r.Min.Y+t)}, // top
		{image.Pt(r.Min.X, r.Max.Y-t), r.Max}, // bottom
		{r.Min, image.Pt(r.Min.X+t, r.Max.Y)}, // left
		{image.Pt(r.Max.X-t, r.Min.Y), r.Max}, // right
	} {
		draw.Draw(dst, b, u, image.Point{}, draw.Src)
	}
}
