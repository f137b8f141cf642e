package report

import (
	"encoding/base64"
	"image"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// syntheticRun is a small, seeded-free (closed-form) run with every kind of
// input.
func syntheticRun() Run {
	var recs []Record
	for step := range 40 {
		e := step / 10
		recs = append(recs, Record{Epoch: e, Step: int64(step), Values: map[string]float64{
			"loss": 4 * math.Exp(-float64(step)/20), "lr": 0.1 * (1 - float64(step)/40), "seconds": 0.01,
		}})
		if step%10 == 9 {
			recs = append(recs, Record{Epoch: e, Step: int64(step), Values: map[string]float64{
				"knn_top1": 0.5 + 0.1*float64(e), "std": 0.1, "effective_rank": 10 + float64(e),
			}})
		}
	}
	pts := make([]float32, 0, 60)
	labels := make([]int, 0, 30)
	for i := range 30 {
		c := i % 3
		pts = append(pts, float32(c)+float32(i)*0.01, float32(c*c)-float32(i)*0.01)
		labels = append(labels, c)
	}
	imgs := Images{Channels: 1, Height: 8, Width: 8, Data: make([]float32, 6*64)}
	for i := range imgs.Data {
		imgs.Data[i] = float32(i%64) / 63
	}
	return Run{
		Title:     "SimCLR on MNIST",
		Generated: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Config:    "method: simclr\nepochs: 4\n",
		Records:   recs,
		Axis:      AxisStep,
		Final:     map[string]float64{"knn_top1": 0.8125, "linear_probe": 0.8734},
		Embedding: &Scatter{Title: "Test embeddings (PCA)", Points: pts, Labels: labels, ClassNames: []string{"a", "b", "c"}},
		Neighbors: &NeighborGrid{
			Queries: Images{Channels: 1, Height: 8, Width: 8, Data: imgs.Data[:2*64]}, QueryLabels: []int{0, 1},
			References: imgs, RefLabels: []int{0, 1, 0, 1, 0, 1},
			Neighbors: [][]int{{2, 3, 4}, {1, 5, 0}},
		},
		PlotWidth: 400, PlotHeight: 300,
	}
}

func TestWriteRun(t *testing.T) {
	dir := t.TempDir()
	r := syntheticRun()
	written, err := WriteRun(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range written {
		names = append(names, filepath.Base(p))
	}
	want := []string{"loss.png", "lr.png", "knn.png", "collapse.png", "embedding.png", "neighbors.png", "metrics.json", "report.html"}
	if !slices.Equal(names, want) {
		t.Fatalf("wrote %v, want %v", names, want)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(want) {
		t.Fatalf("%d files in the run directory, want %d (temporary files left?)", len(entries), len(want))
	}
	sizes := map[string]image.Rectangle{
		"loss.png": image.Rect(0, 0, 400, 300), "collapse.png": image.Rect(0, 0, 400, 300),
		"embedding.png": image.Rect(0, 0, 900, 700),
		// 8x8 images scale 8: cell 64 + 6 = 70; 4 + 70 + 16 + 3*74 + 4 = 316 by 4 + 2*74 = 152.
		"neighbors.png": image.Rect(0, 0, 316, 152),
	}
	pngs := map[string][]byte{}
	for _, name := range want[:6] {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		pngs[name] = b
		img := decodePNG(t, b)
		if s, ok := sizes[name]; ok && img.Bounds() != s {
			t.Errorf("%s is %v, want %v", name, img.Bounds(), s)
		}
	}
	m, err := ReadMetricsJSON(filepath.Join(dir, "metrics.json"))
	if err != nil || m["knn_top1"] != 0.8125 || len(m) != 2 {
		t.Fatalf("metrics.json: %v %v", m, err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(html)
	tags := checkHTMLStructure(t, doc)
	checkSelfContained(t, doc, tags)
	imgs := imgTags(tags)
	if len(imgs) != 6 {
		t.Fatalf("%d images in the page, want 6", len(imgs))
	}
	for i, name := range want[:6] { // in order, each the file's exact bytes
		if !strings.Contains(imgs[i], base64.StdEncoding.EncodeToString(pngs[name])) {
			t.Errorf("image %d is not %s", i, name)
		}
	}
	for _, s := range []string{"<h1>SimCLR on MNIST</h1>", `<td class="num">0.8125</td>`, `<td class="num">0.8734</td>`,
		"<pre>method: simclr\nepochs: 4\n</pre>", "Collapse signals", "Test embeddings (PCA)", "Nearest neighbours"} {
		if !strings.Contains(doc, s) {
			t.Errorf("report.html lacks %q", s)
		}
	}
}

func TestWriteRunPartial(t *testing.T) {
	dir := t.TempDir()
	// Nothing but a title: only report.html.
	written, err := WriteRun(dir, Run{Title: "empty"})
	if err != nil || len(written) != 1 || filepath.Base(written[0]) != "report.html" {
		t.Fatalf("wrote %v, %v", written, err)
	}
	// A bad input fails with the files written so far, and no report.
	r := syntheticRun()
	r.Neighbors.Neighbors[0][0] = 99
	dir2 := t.TempDir()
	written, err = WriteRun(dir2, r)
	if err == nil || len(written) != 5 {
		t.Fatalf("bad neighbours: wrote %v, err %v", written, err)
	}
	if _, err := os.Stat(filepath.Join(dir2, "report.html")); !os.IsNotExist(err) {
		t.Fatal("report.html written despite an error")
	}
	if _, err := WriteRun(filepath.Join(dir, "missing"), syntheticRun()); err == nil {
		t.Fatal("missing directory accepted")
	}
}
