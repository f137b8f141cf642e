package report

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tinyPNG is a w x h PNG of one colour.
func tinyPNG(t *testing.T, w, h int, c color.RGBA) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var voidElements = map[string]bool{"meta": true, "img": true, "br": true, "hr": true, "link": true, "input": true}

// checkHTMLStructure is a small stand-in for an HTML parser: it tokenises
// tags and checks that the document starts with a doctype, that every
// non-void element is closed in order, and that html, head, title and body
// appear once each. It returns the tags seen (opening, lower case, with
// attributes).
func checkHTMLStructure(t *testing.T, doc string) []string {
	t.Helper()
	if !strings.HasPrefix(doc, "<!DOCTYPE html>\n") {
		t.Fatalf("document starts %q", doc[:min(len(doc), 20)])
	}
	var stack, tags []string
	counts := map[string]int{}
	rest := doc
	for {
		i := strings.IndexByte(rest, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], '>')
		if j < 0 {
			t.Fatalf("unterminated tag at %q", rest[i:min(len(rest), i+40)])
		}
		tag := rest[i+1 : i+j]
		rest = rest[i+j+1:]
		switch {
		case strings.HasPrefix(tag, "!"):
			continue
		case strings.HasPrefix(tag, "/"):
			name := tag[1:]
			if len(stack) == 0 || stack[len(stack)-1] != name {
				t.Fatalf("</%s> closes %v", name, stack)
			}
			stack = stack[:len(stack)-1]
		default:
			name, _, _ := strings.Cut(tag, " ")
			if name != strings.ToLower(name) || name == "" {
				t.Fatalf("odd tag <%s>", tag)
			}
			tags = append(tags, tag)
			counts[name]++
			if !voidElements[name] {
				stack = append(stack, name)
			}
			if name == "style" || name == "pre" { // raw-ish text: must hold no tags
				end := strings.Index(rest, "</"+name+">")
				if end < 0 || strings.Contains(rest[:end], "<") {
					t.Fatalf("<%s> content holds markup or is not closed", name)
				}
			}
		}
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
	for _, name := range []string{"html", "head", "title", "body", "style"} {
		if counts[name] != 1 {
			t.Errorf("%d <%s> elements, want 1", counts[name], name)
		}
	}
	return tags
}

// checkSelfContained fails on anything that would fetch from elsewhere.
func checkSelfContained(t *testing.T, doc string, tags []string) {
	t.Helper()
	for _, bad := range []string{"<script", "<link", "@import", "url(", "<iframe", "<object", "<embed", "src=\"http", "href=\"http", "//fonts."} {
		if strings.Contains(doc, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	for _, tag := range tags {
		if strings.HasPrefix(tag, "img ") {
			m := regexp.MustCompile(`src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(tag)
			if m == nil {
				t.Errorf("<img> without a data URI: <%.80s...>", tag)
				continue
			}
			b, err := base64.StdEncoding.DecodeString(m[1])
			if err != nil {
				t.Errorf("bad base64: %v", err)
			} else if _, err := png.Decode(bytes.NewReader(b)); err != nil {
				t.Errorf("embedded image is not a PNG: %v", err)
			}
		}
		if strings.Contains(tag, "href=") && !strings.Contains(tag, `href="#`) {
			t.Errorf("link leaves the page: <%s>", tag)
		}
	}
}

func imgTags(tags []string) []string {
	var out []string
	for _, tag := range tags {
		if strings.HasPrefix(tag, "img ") {
			out = append(out, tag)
		}
	}
	return out
}

func TestRenderHTML(t *testing.T) {
	red := tinyPNG(t, 3, 2, color.RGBA{255, 0, 0, 255})
	blue := tinyPNG(t, 5, 7, color.RGBA{0, 0, 255, 255})
	p := Page{
		Title:     `SimCLR <on> "MNIST" & more`,
		Generated: time.Date(2026, 3, 1, 12, 30, 0, 0, time.UTC),
		Metrics:   map[string]float64{"knn_top1": 0.9731, "linear_probe": 0.98125, "loss": 1.23456789, "std": math.NaN()},
		Images:    []PageImage{{Title: "Loss", PNG: red}, {Title: "Neighbours <3>", Caption: "green = same class", PNG: blue}},
		Config:    "method: simclr\nbatch_size: 256\naugment:\n  crop: <0.2, 1.0> & flip\n",
	}
	var buf bytes.Buffer
	if err := RenderHTML(&buf, p); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	tags := checkHTMLStructure(t, doc)
	checkSelfContained(t, doc, tags)

	imgs := imgTags(tags)
	if len(imgs) != 2 {
		t.Fatalf("%d <img>, want 2", len(imgs))
	}
	for i, want := range [][]byte{red, blue} {
		if !strings.Contains(imgs[i], base64.StdEncoding.EncodeToString(want)) {
			t.Errorf("image %d is not the given PNG", i)
		}
	}
	if !strings.Contains(imgs[0], `width="3" height="2"`) || !strings.Contains(imgs[1], `width="5" height="7"`) {
		t.Errorf("image sizes: %.60s / %.60s", imgs[0], imgs[1])
	}
	for _, want := range []string{
		"<title>SimCLR &lt;on&gt; &#34;MNIST&#34; &amp; more</title>",
		"Generated 2026-03-01 12:30:00 UTC",
		// The metrics table, sorted, with values in six significant digits.
		`<tr><td>knn_top1</td><td class="num">0.9731</td></tr>
<tr><td>linear_probe</td><td class="num">0.98125</td></tr>
<tr><td>loss</td><td class="num">1.23457</td></tr>
<tr><td>std</td><td class="num">NaN</td></tr>`,
		"<pre>method: simclr\nbatch_size: 256\naugment:\n  crop: &lt;0.2, 1.0&gt; &amp; flip\n</pre>",
		`alt="Neighbours &lt;3&gt;"`,
		"green = same class",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestRenderHTMLEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := RenderHTML(&buf, Page{}); err != nil {
		t.Fatal(err)
	}
	doc := buf.String()
	tags := checkHTMLStructure(t, doc)
	checkSelfContained(t, doc, tags)
	for _, want := range []string{"<title>contrast run report</title>", "No final metrics", "No figures", "No configuration"} {
		if !strings.Contains(doc, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(doc, "Generated") {
		t.Error("zero time shown")
	}
	err := RenderHTML(&buf, Page{Images: []PageImage{{Title: "x", PNG: []byte("GIF89a")}}})
	if !errors.Is(err, ErrShape) {
		t.Fatalf("non-PNG image: %v", err)
	}
}

func TestFormatMetric(t *testing.T) {
	for _, c := range []struct {
		v    float64
		want string
	}{{0.9731, "0.9731"}, {1, "1"}, {123456789, "1.23457e+08"}, {-2.5e-7, "-2.5e-07"}, {math.Inf(1), "+Inf"}, {math.Inf(-1), "-Inf"}, {math.NaN(), "NaN"}} {
		if got := FormatMetric(c.v); got != c.want {
			t.Errorf("FormatMetric(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestWriteHTMLAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	if err := WriteHTML(path, Page{Title: "a"}); err != nil {
		t.Fatal(err)
	}
	if err := WriteHTML(path, Page{Images: []PageImage{{PNG: []byte("x")}}}); err == nil {
		t.Fatal("bad page written")
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "<title>a</title>") {
		t.Fatal("a failed write replaced the old report")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Fatalf("%d files in the directory, want 1", len(entries))
	}
}
