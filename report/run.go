package report

import (
	"fmt"
	"path/filepath"
	"time"
)

// File names in a run directory.
const (
	MetricsLogFile  = "metrics.jsonl"
	MetricsFile     = "metrics.json"
	ReportFile      = "report.html"
	EmbeddingFile   = "embedding.png"
	NeighborsFile   = "neighbors.png"
	plotFileSuffix  = ".png"
	defaultPlotW    = 900
	defaultPlotH    = 540
	defaultScatterW = 900
	defaultScatterH = 700
)

// Run is everything the end-of-run report shows. Only Title is needed;
// whatever else is empty is left out.
type Run struct {
	Title     string
	Generated time.Time // [time.Now()]
	// Config is the resolved configuration as YAML text.
	Config string
	// Records is the metrics log (see ReadMetricsFile); it is plotted with
	// Families along Axis.
	Records  []Record
	Axis     Axis
	Families []Family // [DefaultFamilies()]
	// Final is written to metrics.json and shown as the metrics table.
	Final map[string]float64
	// Embedding, when set, is drawn to embedding.png.
	Embedding *Scatter
	// Neighbors, when set, is drawn to neighbors.png.
	Neighbors *NeighborGrid
	// PlotWidth and PlotHeight are the pixel size of the line figures
	// [900 x 540]; the scatter is 900 x 700.
	PlotWidth, PlotHeight int
}

// WriteRun writes the report of a finished (or interrupted) run into dir,
// which must exist: one PNG per family that has data (loss.png, lr.png,
// knn.png, collapse.png), embedding.png, neighbors.png, metrics.json (when
// Final is set) and report.html, each atomically. It returns the paths
// written, report.html last. The metrics log itself is written during
// training with MetricsLog.
func WriteRun(dir string, r Run) ([]string, error) {
	w, h := r.PlotWidth, r.PlotHeight
	if w == 0 && h == 0 {
		w, h = defaultPlotW, defaultPlotH
	}
	fams := r.Families
	if fams == nil {
		fams = DefaultFamilies()
	}
	var written []string
	put := func(name string, data []byte) error {
		path := filepath.Join(dir, name)
		if err := writeFileAtomic(path, data); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	page := Page{Title: r.Title, Generated: r.Generated, Metrics: r.Final, Config: r.Config}
	if page.Generated.IsZero() {
		page.Generated = time.Now()
	}
	for _, fam := range fams {
		fig, ok := FamilyFigure(r.Records, fam, r.Axis)
		if !ok {
			continue
		}
		b, err := fig.PNG(w, h)
		if err != nil {
			return written, fmt.Errorf("report: plot %s: %w", fam.Name, err)
		}
		if err := put(fam.Name+plotFileSuffix, b); err != nil {
			return written, err
		}
		page.Images = append(page.Images, PageImage{Title: familyTitle(fam), Caption: "Per " + r.Axis.String(), PNG: b})
	}
	if r.Embedding != nil {
		b, err := r.Embedding.PNG(defaultScatterW, defaultScatterH)
		if err != nil {
			return written, fmt.Errorf("report: embedding plot: %w", err)
		}
		if err := put(EmbeddingFile, b); err != nil {
			return written, err
		}
		title := r.Embedding.Title
		if title == "" {
			title = "Embeddings"
		}
		page.Images = append(page.Images, PageImage{Title: title, Caption: "Coloured by class", PNG: b})
	}
	if r.Neighbors != nil {
		b, err := r.Neighbors.PNG()
		if err != nil {
			return written, fmt.Errorf("report: neighbour grid: %w", err)
		}
		if err := put(NeighborsFile, b); err != nil {
			return written, err
		}
		page.Images = append(page.Images, PageImage{Title: "Nearest neighbours",
			Caption: "Each row: a query (blue frame), then its nearest neighbours, framed green if of the same class, red if not", PNG: b})
	}
	if r.Final != nil {
		b, err := EncodeMetricsJSON(r.Final)
		if err != nil {
			return written, err
		}
		if err := put(MetricsFile, b); err != nil {
			return written, err
		}
	}
	path := filepath.Join(dir, ReportFile)
	if err := WriteHTML(path, page); err != nil {
		return written, err
	}
	return append(written, path), nil
}

// familyTitle is the family's title, or its name.
func familyTitle(f Family) string {
	if f.Title != "" {
		return f.Title
	}
	return f.Name
}
