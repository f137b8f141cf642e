package report

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"testing"
)

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

// countColor counts pixels of exactly colour c.
func countColor(img image.Image, c color.RGBA) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)).(color.RGBA) == c {
				n++
			}
		}
	}
	return n
}

func TestFigurePNG(t *testing.T) {
	x := []float64{0, 1, 2, 3, 4, 5}
	two := Panel{Title: "loss", XLabel: "step", Series: []Series{
		{Name: "train", X: x, Y: []float64{5, 4, math.NaN(), 2, 1.5, 1}},
		{Name: "val", X: x, Y: []float64{5.5, 4.5, 3.5, 3, math.Inf(1), 2.5}},
	}}
	one := Panel{Title: "lr", Series: []Series{{X: []float64{7}, Y: []float64{0.1}}}} // a single point
	empty := Panel{Title: "nothing yet", Series: []Series{{Name: "a", X: []float64{math.NaN()}, Y: []float64{1}}}}
	tests := []struct {
		name          string
		fig           Figure
		width, height int
		colors        []color.RGBA // must appear
	}{
		{"two series", Figure{Panels: []Panel{two}}, 800, 500, []color.RGBA{tab10[0], tab10[1]}},
		{"odd size", Figure{Panels: []Panel{one}}, 333, 217, []color.RGBA{tab10[0]}},
		{"grid of panels", Figure{Panels: []Panel{two, one, empty}, Columns: 2}, 640, 480, []color.RGBA{tab10[0], tab10[1]}},
		{"empty panel", Figure{Panels: []Panel{empty}}, 100, 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.fig.PNG(tt.width, tt.height)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b)
			if got := img.Bounds(); got != image.Rect(0, 0, tt.width, tt.height) {
				t.Fatalf("bounds %v, want %dx%d", got, tt.width, tt.height)
			}
			if n := countColor(img, color.RGBA{255, 255, 255, 255}); n < tt.width*tt.height/2 {
				t.Errorf("only %d white pixels: background not white", n)
			}
			for _, c := range tt.colors {
				if n := countColor(img, c); n < 10 {
					t.Errorf("series colour %v drawn on %d pixels", c, n)
				}
			}
			if tt.colors == nil && countColor(img, tab10[0]) != 0 {
				t.Errorf("a skipped series was drawn")
			}
		})
	}
}

func TestFigurePNGErrors(t *testing.T) {
	good := Panel{Series: []Series{{X: []float64{1, 2}, Y: []float64{1, 2}}}}
	tests := []struct {
		name string
		fig  Figure
		w, h int
	}{
		{"no panels", Figure{}, 100, 100},
		{"x/y lengths", Figure{Panels: []Panel{{Series: []Series{{X: []float64{1, 2}, Y: []float64{1}}}}}}, 100, 100},
		{"too small", Figure{Panels: []Panel{good}}, 10, 100},
		{"too large", Figure{Panels: []Panel{good}}, 100, 100000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.fig.PNG(tt.w, tt.h); !errors.Is(err, ErrShape) {
				t.Fatalf("err %v, want ErrShape", err)
			}
		})
	}
}

func TestMetricSeries(t *testing.T) {
	recs := []Record{
		{Epoch: 0, Step: 1, Values: map[string]float64{"loss": 4}},
		{Epoch: 0, Step: 2, Values: map[string]float64{"loss": 2, "knn": 0.5}},
		{Epoch: 2, Step: 5, Values: map[string]float64{"loss": math.NaN()}},
		{Epoch: 1, Step: 3, Values: map[string]float64{"loss": 1}},
		{Epoch: 1, Step: 4, Values: map[string]float64{"loss": 3, "knn": 0.75}},
	}
	tests := []struct {
		key  string
		axis Axis
		x, y []float64
	}{
		{"loss", AxisStep, []float64{1, 2, 5, 3, 4}, []float64{4, 2, math.NaN(), 1, 3}},
		{"loss", AxisEpoch, []float64{0, 1, 2}, []float64{3, 2, math.NaN()}}, // (4+2)/2, (1+3)/2, no finite value
		{"knn", AxisEpoch, []float64{0, 1}, []float64{0.5, 0.75}},
		{"missing", AxisStep, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.key+"/"+tt.axis.String(), func(t *testing.T) {
			s := MetricSeries(recs, tt.key, tt.axis)
			if s.Name != tt.key || len(s.X) != len(tt.x) || len(s.Y) != len(tt.y) {
				t.Fatalf("got %+v, want x %v y %v", s, tt.x, tt.y)
			}
			for i := range tt.x {
				if s.X[i] != tt.x[i] || (s.Y[i] != tt.y[i] && !(math.IsNaN(s.Y[i]) && math.IsNaN(tt.y[i]))) {
					t.Fatalf("got %+v, want x %v y %v", s, tt.x, tt.y)
				}
			}
		})
	}
	if AxisStep.String() != "step" || AxisEpoch.String() != "epoch" || Axis(7).String() != "Axis(7)" {
		t.Error("Axis.String")
	}
}

func TestFamilyFigure(t *testing.T) {
	recs := []Record{
		{Epoch: 0, Step: 1, Values: map[string]float64{"loss": 4, "std": 0.1, "uniformity": math.NaN()}},
		{Epoch: 1, Step: 2, Values: map[string]float64{"loss": 3, "std": 0.09}},
	}
	fams := map[string]Family{}
	for _, f := range DefaultFamilies() {
		fams[f.Name] = f
	}
	fig, ok := FamilyFigure(recs, fams["collapse"], AxisEpoch)
	if !ok || len(fig.Panels) != 1 || fig.Panels[0].Series[0].Name != "std" || fig.Columns != 1 || fig.Panels[0].XLabel != "epoch" {
		t.Fatalf("collapse figure %+v, %v: want only the std panel", fig, ok)
	}
	fig, ok = FamilyFigure(recs, fams["loss"], AxisStep)
	if !ok || len(fig.Panels) != 1 || len(fig.Panels[0].Series) != 1 { // val_loss absent
		t.Fatalf("loss figure %+v, %v", fig, ok)
	}
	if _, ok := FamilyFigure(recs, fams["knn"], AxisStep); ok {
		t.Fatal("knn figure without knn records")
	}
}

func TestScatterPNG(t *testing.T) {
	// Three classes at three corners, one point with a NaN coordinate.
	pts := []float32{0, 0, 0.1, 0.1, 5, 5, 5.1, 5, 0, 5, float32(math.NaN()), 1}
	labels := []int{0, 0, 1, 1, 2, 2}
	tests := []struct {
		name   string
		s      Scatter
		colors int
	}{
		{"named", Scatter{Title: "t-SNE", Points: pts, Labels: labels, ClassNames: []string{"cat", "dog", "bird", "unused"}}, 3},
		{"label values", Scatter{Points: pts, Labels: []int{-3, -3, 7, 7, 100, 100}}, 3},
		{"many classes", Scatter{Points: []float32{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11},
			Labels: []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}}, 12},
		{"empty", Scatter{}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.s.PNG(640, 480)
			if err != nil {
				t.Fatal(err)
			}
			img := decodePNG(t, b)
			if img.Bounds() != image.Rect(0, 0, 640, 480) {
				t.Fatalf("bounds %v", img.Bounds())
			}
			for i := range tt.colors {
				c := categoryColor(i, tt.colors)
				if n := countColor(img, c); n < 5 {
					t.Errorf("class %d colour %v on %d pixels", i, c, n)
				}
			}
		})
	}
	for _, bad := range []Scatter{
		{Points: []float32{1, 2, 3}, Labels: []int{0}},
		{Points: []float32{1, 2}, Labels: []int{0, 1}},
		{Points: []float32{1, 2}, Labels: []int{2}, ClassNames: []string{"a", "b"}},
		{Points: []float32{1, 2}, Labels: []int{-1}, ClassNames: []string{"a"}},
	} {
		if _, err := bad.PNG(100, 100); !errors.Is(err, ErrShape) {
			t.Errorf("%+v: err %v, want ErrShape", bad, err)
		}
	}
}

// TestScatterOverlapShowsEveryClass draws two classes on the same 400
// positions: drawn class by class, the second would cover the first
// everywhere; drawn in one shuffled layer, each colour keeps a large share
// of the pixels.
func TestScatterOverlapShowsEveryClass(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var pts []float32
	var labels []int
	for i := range 400 {
		x, y := float32(r.NormFloat64()), float32(r.NormFloat64())
		pts = append(pts, x, y, x, y)
		labels = append(labels, i%2, 1-i%2)
	}
	b, err := Scatter{Points: pts, Labels: labels, Radius: 3}.PNG(400, 300)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	n0, n1 := countColor(img, categoryColor(0, 2)), countColor(img, categoryColor(1, 2))
	if share := float64(n0) / float64(n0+n1); share < 0.3 || share > 0.7 {
		t.Errorf("class 0 holds %.2f of the coloured pixels (%d against %d), want about half", share, n0, n1)
	}
}

func TestCategoryColorsDistinct(t *testing.T) {
	for _, n := range []int{3, 10, 11, 20, 50} {
		seen := map[color.RGBA]bool{}
		for i := range n {
			seen[categoryColor(i, n)] = true
		}
		if len(seen) != n {
			t.Errorf("n=%d: %d distinct colours", n, len(seen))
		}
	}
	// Spot-check the HSV conversion against hand values.
	for _, tt := range []struct {
		h, s, v float64
		want    color.RGBA
	}{
		{0, 1, 1, color.RGBA{255, 0, 0, 255}},
		{1.0 / 3, 1, 1, color.RGBA{0, 255, 0, 255}},
		{2.0 / 3, 1, 1, color.RGBA{0, 0, 255, 255}},
		{0.5, 0.5, 0.8, color.RGBA{102, 204, 204, 255}},
	} {
		if got := hsv(tt.h, tt.s, tt.v); got != tt.want {
			t.Errorf("hsv(%v,%v,%v) = %v, want %v", tt.h, tt.s, tt.v, got, tt.want)
		}
	}
}
