package report

import (
	"bytes"
	_ "embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"
	"io"
	"math"
	"strconv"
	"time"
)

// PageImage is one picture of the report: a PNG, embedded in the page.
type PageImage struct {
	Title   string
	Caption string // optional
	PNG     []byte
}

// Page is the content of report.html: a single self-contained HTML file
// that opens offline (images embedded as base64 data URIs, inline CSS, no
// scripts, fonts or other external resources).
type Page struct {
	Title     string
	Generated time.Time // shown when set
	// Metrics is the final metrics table, shown in sorted key order.
	Metrics map[string]float64
	Images  []PageImage
	// Config is the resolved run configuration as YAML, shown verbatim.
	Config string
}

//go:embed report.html.tmpl
var pageTemplateText string

var pageTemplate = template.Must(template.New("report").Parse(pageTemplateText))

type pageMetric struct{ Name, Value string }

type pageImage struct {
	Title, Caption string
	Src            template.HTMLAttr
	Width, Height  int
}

type pageData struct {
	Title     string
	Generated string
	Metrics   []pageMetric
	Images    []pageImage
	Config    string
}

// FormatMetric is how the report shows a metric value: six significant
// digits, NaN and ±Inf spelled out.
func FormatMetric(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// RenderHTML writes the page to w. Each image must be a PNG (errors wrap
// ErrShape otherwise).
func RenderHTML(w io.Writer, p Page) error {
	d := pageData{Title: p.Title, Config: p.Config}
	if d.Title == "" {
		d.Title = "contrast run report"
	}
	if !p.Generated.IsZero() {
		d.Generated = p.Generated.Format("2006-01-02 15:04:05 MST")
	}
	for _, k := range sortedKeys(p.Metrics) {
		d.Metrics = append(d.Metrics, pageMetric{k, FormatMetric(p.Metrics[k])})
	}
	for i, im := range p.Images {
		cfg, err := png.DecodeConfig(bytes.NewReader(im.PNG))
		if err != nil {
			return fmt.Errorf("report: html: image %d (%q) is not a PNG: %w: %w", i, im.Title, ErrShape, err)
		}
		d.Images = append(d.Images, pageImage{
			Title: im.Title, Caption: im.Caption, Width: cfg.Width, Height: cfg.Height,
			// Emitted verbatim (html/template would escape '+' as &#43;, which
			// is valid but bloats the page): safe, as standard base64 has no
			// quote, ampersand or markup characters.
			Src: template.HTMLAttr(`src="data:image/png;base64,` + base64.StdEncoding.EncodeToString(im.PNG) + `"`),
		})
	}
	if err := pageTemplate.Execute(w, d); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	return nil
}

// WriteHTML renders the page to path atomically (temporary file, fsync,
// rename).
func WriteHTML(path string, p Page) error {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, p); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
