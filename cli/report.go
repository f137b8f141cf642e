package cli

import (
	"fmt"
	"math"
	"slices"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/report"
	"github.com/contrast-ml/contrast/train"
)

// Report sizes: points in the 2-D map, queries and neighbours in the grid, and
// the training images searched for those neighbours.
const (
	mapPoints   = 2000
	gridQueries = 8
	gridK       = 8
	gridRefs    = 10000
)

// writeRunReport draws the plots and report.html of a finished image run: the
// per-epoch figures, a PCA map of test embeddings coloured by class, and the
// nearest training images of a few test images.
func writeRunReport(out string, cfg train.Config, res *train.Result, records []report.Record) error {
	yaml, err := config.Marshal(cfg)
	if err != nil {
		return err
	}
	run := report.Run{
		Title:   fmt.Sprintf("contrast: %s on %s", cfg.Method, cfg.Data),
		Config:  string(yaml),
		Records: records,
		Final:   res.Metrics,
	}
	enc := res.Learner.Encoder()
	test := res.Test.Head(min(mapPoints, res.Test.N))
	z := train.Embed(enc, test, true)
	if pca, err := eval.PCA(z, 2); err == nil {
		run.Embedding = &report.Scatter{Title: "test embeddings (PCA)", XLabel: "PC 1", YLabel: "PC 2",
			Points: pca.Projected.Data, Labels: test.Labels, ClassNames: test.ClassNames}
	}
	refs := res.Train.Head(min(gridRefs, res.Train.N))
	rz := train.Embed(enc, refs, true)
	queries := test.Head(min(gridQueries, test.N))
	run.Neighbors = &report.NeighborGrid{
		Queries: images(queries), QueryLabels: queries.Labels,
		References: images(refs), RefLabels: refs.Labels,
		Neighbors: nearest(z, queries.N, rz, gridK),
	}
	_, err = report.WriteRun(out, run)
	return err
}

func images(im *data.Images) report.Images {
	d := make([]float32, im.N*im.Dim())
	for i := range im.N {
		im.Example(i, d[i*im.Dim():(i+1)*im.Dim()])
	}
	return report.Images{Channels: im.C, Height: im.H, Width: im.W, Data: d}
}

// nearest returns, for each of the first nq rows of q, the k rows of ref with
// the highest cosine similarity, best first (a few queries: a plain scan).
func nearest(q eval.Matrix, nq int, ref eval.Matrix, k int) [][]int {
	out := make([][]int, nq)
	norm := func(v []float32) float64 {
		var s float64
		for _, x := range v {
			s += float64(x) * float64(x)
		}
		return s
	}
	for i := range nq {
		qi := q.Row(i)
		sims := make([]float64, ref.Rows)
		idx := make([]int, ref.Rows)
		for j := range ref.Rows {
			rj := ref.Row(j)
			var dot float64
			for c := range qi {
				dot += float64(qi[c]) * float64(rj[c])
			}
			sims[j], idx[j] = dot/(1e-12+sqrt(norm(qi)*norm(rj))), j
		}
		slices.SortFunc(idx, func(a, b int) int {
			switch {
			case sims[a] > sims[b]:
				return -1
			case sims[a] < sims[b]:
				return 1
			}
			return a - b
		})
		out[i] = idx[:min(k, len(idx))]
	}
	return out
}

func sqrt(x float64) float64 { return math.Sqrt(x) }
