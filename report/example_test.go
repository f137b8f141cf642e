package report_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/contrast-ml/contrast/report"
)

func ExampleMetricsLog() {
	var buf bytes.Buffer
	log := report.NewMetricsLog(&buf)
	log.Write(report.Record{Epoch: 1, Step: 400, Values: map[string]float64{"loss": 4.25, "lr": 0.3, "knn_top1": 0.91}})
	fmt.Print(buf.String())

	recs, _ := report.ReadMetrics(&buf)
	fmt.Println(recs[0].Epoch, recs[0].Step, recs[0].Values["knn_top1"])
	// Output:
	// {"epoch":1,"step":400,"knn_top1":0.91,"loss":4.25,"lr":0.3}
	// 1 400 0.91
}

func ExampleEncodeMetricsJSON() {
	b, _ := report.EncodeMetricsJSON(map[string]float64{"linear_probe": 0.9812, "knn_top1": 0.9731})
	fmt.Print(string(b))
	// Output:
	// {
	//   "knn_top1": 0.9731,
	//   "linear_probe": 0.9812
	// }
}

func ExampleMetricSeries() {
	recs := []report.Record{
		{Epoch: 0, Step: 1, Values: map[string]float64{"loss": 4}},
		{Epoch: 0, Step: 2, Values: map[string]float64{"loss": 2}},
		{Epoch: 1, Step: 3, Values: map[string]float64{"loss": 1}},
	}
	s := report.MetricSeries(recs, "loss", report.AxisEpoch)
	fmt.Println(s.X, s.Y)
	// Output: [0 1] [3 1]
}

func ExampleNeighborGrid() {
	// Two 28x28 grey queries with three neighbours each.
	const hw = 28 * 28
	refs := report.Images{Channels: 1, Height: 28, Width: 28, Data: make([]float32, 10*hw)}
	grid := report.NeighborGrid{
		Queries:     report.Images{Channels: 1, Height: 28, Width: 28, Data: refs.Data[:2*hw]},
		QueryLabels: []int{3, 7},
		References:  refs,
		RefLabels:   []int{3, 7, 3, 3, 1, 7, 7, 2, 3, 7},
		Neighbors:   [][]int{{2, 3, 4}, {5, 9, 8}},
	}
	img, err := grid.Image()
	fmt.Println(img.Bounds().Size(), err)
	fmt.Println(img.RGBAAt(114, 4) == report.FrameCorrect, img.RGBAAt(302, 4) == report.FrameWrong)
	// Output:
	// (396,192) <nil>
	// true true
}

func ExampleEventWriter() {
	var buf bytes.Buffer
	clock := func() time.Time { return time.Unix(1700000000, 0) }
	w, _ := report.NewEventStream(&buf, clock)
	w.Scalar("train/loss", 100, 4.25)
	w.Close()
	// Two TFRecords: the file_version event (24 bytes + 16 of framing)
	// and the scalar event (32 + 16).
	fmt.Println(buf.Len())
	// Output: 88
}

func ExampleWriteRun() {
	dir, _ := os.MkdirTemp("", "run")
	defer os.RemoveAll(dir)
	written, err := report.WriteRun(dir, report.Run{
		Title:   "SimCLR on MNIST",
		Config:  "method: simclr\n",
		Records: []report.Record{{Epoch: 0, Step: 1, Values: map[string]float64{"loss": 4}}, {Epoch: 0, Step: 2, Values: map[string]float64{"loss": 3.5}}},
		Final:   map[string]float64{"knn_top1": 0.97},
	})
	for _, p := range written {
		fmt.Println(filepath.Base(p))
	}
	fmt.Println(err)
	// Output:
	// loss.png
	// metrics.json
	// report.html
	// <nil>
}
