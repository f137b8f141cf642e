package report

import (
	"errors"
	"image"
	"image/color"
	"testing"
)

func rgba(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

func TestNeighborGridGrey(t *testing.T) {
	// 28x28 grey images; image i is uniformly i/10. Scale defaults to 3
	// (84 pixels), so a framed cell is 84 + 2*3 = 90 pixels and cells step
	// by 90 + 4 (pad) = 94; neighbours start after an extra 16-pixel gap.
	const hw = 28 * 28
	refs := Images{Channels: 1, Height: 28, Width: 28, Data: make([]float32, 5*hw)}
	for i := range 5 {
		for j := range hw {
			refs.Data[i*hw+j] = float32(i) / 10
		}
	}
	queries := Images{Channels: 1, Height: 28, Width: 28, Data: make([]float32, 2*hw)}
	for j := range hw {
		queries.Data[j] = 1.5 // clamps to white
		queries.Data[hw+j] = -1
	}
	g := NeighborGrid{
		Queries: queries, QueryLabels: []int{7, 8},
		References: refs, RefLabels: []int{7, 8, 7, 9, 8},
		Neighbors: [][]int{{0, 1}, {4}},
	}
	b, err := g.PNG()
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	// Width 4 + 90 + 16 + 2*94 + 4 = 302; height 4 + 2*94 = 192.
	if img.Bounds() != image.Rect(0, 0, 302, 192) {
		t.Fatalf("bounds %v, want 302x192", img.Bounds())
	}
	white := color.RGBA{255, 255, 255, 255}
	grey := func(v uint8) color.RGBA { return color.RGBA{v, v, v, 255} }
	checks := []struct {
		name string
		x, y int
		want color.RGBA
	}{
		{"corner background", 0, 0, white},
		{"query 0 frame top-left", 4, 4, FrameQuery},
		{"query 0 frame bottom-right", 93, 93, FrameQuery},
		{"query 0 frame inner edge", 6, 50, FrameQuery},
		{"query 0 image (clamped to 1)", 7, 7, white},
		{"query 0 image centre", 50, 50, white},
		{"gap between query and neighbours", 100, 50, white},
		{"neighbour 0,0 frame (same class)", 114, 4, FrameCorrect},
		{"neighbour 0,0 frame right", 203, 60, FrameCorrect},
		{"neighbour 0,0 image = ref 0 (0.0)", 117, 7, grey(0)},
		{"pad between neighbours", 205, 50, white},
		{"neighbour 0,1 frame (other class)", 208, 4, FrameWrong},
		{"neighbour 0,1 frame bottom", 250, 93, FrameWrong},
		{"neighbour 0,1 image = ref 1 (0.1 -> 26)", 250, 50, grey(26)},
		{"pad between rows", 50, 96, white},
		{"query 1 frame", 4, 98, FrameQuery},
		{"query 1 image (clamped to 0)", 50, 150, grey(0)},
		{"neighbour 1,0 frame (ref 4, class 8 = 8)", 114, 98, FrameCorrect},
		{"neighbour 1,0 image = ref 4 (0.4 -> 102)", 150, 150, grey(102)},
		{"missing neighbour 1,1 is blank", 250, 150, white},
		{"right border", 301, 50, white},
	}
	for _, c := range checks {
		if got := rgba(img, c.x, c.y); got != c.want {
			t.Errorf("%s: pixel (%d,%d) = %v, want %v", c.name, c.x, c.y, got, c.want)
		}
	}
	// Every pixel of the 3-pixel frame ring of neighbour (0,1) is red, and
	// the pixel just inside it is the image.
	r := image.Rect(208, 4, 298, 94)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			inFrame := x < r.Min.X+3 || x >= r.Max.X-3 || y < r.Min.Y+3 || y >= r.Max.Y-3
			want := grey(26)
			if inFrame {
				want = FrameWrong
			}
			if got := rgba(img, x, y); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want %v (frame %v)", x, y, got, want, inFrame)
			}
		}
	}
}

func TestNeighborGridRGB(t *testing.T) {
	// One 2x2 RGB image per set, Scale 2: cell 4 + 6 = 10 pixels.
	// Planes: R = [0 1; 0 1], G = 0.5, B = [1 1; 0 0].
	img := Images{Channels: 3, Height: 2, Width: 2, Data: []float32{0, 1, 0, 1, 0.5, 0.5, 0.5, 0.5, 1, 1, 0, 0}}
	g := NeighborGrid{Queries: img, QueryLabels: []int{1}, References: img, RefLabels: []int{2}, Neighbors: [][]int{{0}}, Scale: 2}
	out, err := g.Image()
	if err != nil {
		t.Fatal(err)
	}
	// 4 + 10 + 16 + 14 + 4 = 48 wide, 4 + 14 = 18 high.
	if out.Bounds() != image.Rect(0, 0, 48, 18) {
		t.Fatalf("bounds %v", out.Bounds())
	}
	// Query image origin (7, 7); each source pixel is 2x2.
	for _, c := range []struct {
		x, y int
		want color.RGBA
	}{
		{7, 7, color.RGBA{0, 128, 255, 255}}, {8, 8, color.RGBA{0, 128, 255, 255}},
		{9, 7, color.RGBA{255, 128, 255, 255}}, {7, 9, color.RGBA{0, 128, 0, 255}},
		{10, 10, color.RGBA{255, 128, 0, 255}},
		{34, 4, FrameWrong}, // neighbour frame: 4 + 10 + 4 + 16 = 34
		{37, 7, color.RGBA{0, 128, 255, 255}},
	} {
		if got := out.RGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
}

func TestNeighborGridErrors(t *testing.T) {
	one := Images{Channels: 1, Height: 2, Width: 2, Data: make([]float32, 4)}
	two := Images{Channels: 1, Height: 2, Width: 2, Data: make([]float32, 8)}
	ok := NeighborGrid{Queries: one, QueryLabels: []int{0}, References: two, RefLabels: []int{0, 1}, Neighbors: [][]int{{1, 0}}}
	if _, err := ok.Image(); err != nil {
		t.Fatal(err)
	}
	mod := func(f func(*NeighborGrid)) NeighborGrid { g := ok; f(&g); return g }
	tests := map[string]NeighborGrid{
		"two channels": mod(func(g *NeighborGrid) { g.Queries.Channels = 2 }),
		"ragged data":  mod(func(g *NeighborGrid) { g.References.Data = make([]float32, 7) }),
		"size mismatch": mod(func(g *NeighborGrid) {
			g.References = Images{Channels: 1, Height: 1, Width: 4, Data: make([]float32, 8)}
		}),
		"no queries":         mod(func(g *NeighborGrid) { g.Queries.Data = nil; g.QueryLabels = nil; g.Neighbors = nil }),
		"query labels":       mod(func(g *NeighborGrid) { g.QueryLabels = nil }),
		"ref labels":         mod(func(g *NeighborGrid) { g.RefLabels = []int{0} }),
		"neighbour lists":    mod(func(g *NeighborGrid) { g.Neighbors = [][]int{{0}, {1}} }),
		"index out of range": mod(func(g *NeighborGrid) { g.Neighbors = [][]int{{2}} }),
		"negative index":     mod(func(g *NeighborGrid) { g.Neighbors = [][]int{{-1}} }),
		"zero size":          mod(func(g *NeighborGrid) { g.Queries.Height = 0 }),
		"scale":              mod(func(g *NeighborGrid) { g.Scale = 17 }),
	}
	for name, g := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := g.PNG(); !errors.Is(err, ErrShape) {
				t.Fatalf("err %v, want ErrShape", err)
			}
		})
	}
}

func TestUnitToByte(t *testing.T) {
	nan := float32(0)
	nan /= nan
	for _, c := range []struct {
		v    float32
		want uint8
	}{{0, 0}, {1, 255}, {0.5, 128}, {0.1, 26}, {-0.2, 0}, {7, 255}, {nan, 0}, {1.0 / 255, 1}} {
		if got := unitToByte(c.v); got != c.want {
			t.Errorf("unitToByte(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}
