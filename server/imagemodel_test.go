package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/client"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/server"
	"github.com/contrast-ml/contrast/tensor"
	"github.com/contrast-ml/contrast/train"
)

// writeRunDir writes a small untrained model as contrast train leaves it
// (model.safetensors, model.json, config.yaml, and metrics.json with a
// verify_threshold when threshold is not NaN) and returns the directory and
// the learner.
func writeRunDir(t testing.TB, method train.Method, in train.Shape, threshold float64) (string, train.Learner) {
	t.Helper()
	dir := t.TempDir()
	cfg := train.Default()
	cfg.Method = method
	cfg.Encoder = train.EncoderConfig{Kind: train.EncoderMLP, Dim: 6, Hidden: []int{10}}
	cfg.Head = train.HeadConfig{ProjHidden: 8, ProjDim: 5}
	l, err := train.NewLearner(cfg, in, 3, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.SaveModule(filepath.Join(dir, train.ModelFile), l.Net(), map[string]string{"method": cfg.Method.String()}); err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(train.ModelMeta{Method: cfg.Method.String(), Input: in, Classes: 3, FeatureDim: 6})
	b, err := config.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{train.ModelInfo: meta, train.ConfigFile: b}
	if !math.IsNaN(threshold) {
		files["metrics.json"] = []byte(fmt.Sprintf(`{"knn_top1": 0.5, "verify_accuracy": null, "verify_threshold": %v}`, threshold))
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, l
}

// forward is the test's oracle: the network run directly on (n, C, H, W).
func forward(net nn.Module, x []float32, n int, s train.Shape) [][]float32 {
	net.SetTraining(false)
	z := net.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(append([]float32(nil), x...), n, s.C, s.H, s.W))).Value
	d := z.Numel() / n
	out := make([][]float32, n)
	for i := range out {
		out[i] = append([]float32(nil), z.Data[i*d:(i+1)*d]...)
	}
	return out
}

func encodePNG(t testing.TB, img image.Image) string {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b.Bytes())
}

func jsonString(s string) json.RawMessage { b, _ := json.Marshal(s); return b }

func newImageModel(t testing.TB, in train.Shape) *server.ImageModel {
	t.Helper()
	_, l := writeRunDir(t, train.SimCLR, in, math.NaN())
	m, err := server.NewImageModel("simclr", l.Encoder(), in)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestImageModelPixels checks image decoding against the pixels that went
// into the PNG (and image/color's grey conversion for RGB to grey).
func TestImageModelPixels(t *testing.T) {
	const S = 8
	grey := image.NewGray(image.Rect(0, 0, S, S))
	rgb := image.NewRGBA(image.Rect(0, 0, S, S))
	for y := range S {
		for x := range S {
			grey.SetGray(x, y, color.Gray{uint8(7*x + 29*y)})
			rgb.SetRGBA(x, y, color.RGBA{uint8(30 * x), uint8(30 * y), uint8(3*x + 5*y), 255})
		}
	}
	uniform := image.NewRGBA(image.Rect(0, 0, 2*S+3, 2*S-1)) // resized to S x S
	for i := range uniform.Pix {
		uniform.Pix[i] = []uint8{200, 100, 50, 255}[i%4]
	}
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, grey, &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	greyModel := newImageModel(t, train.Shape{C: 1, H: S, W: S})
	rgbModel := newImageModel(t, train.Shape{C: 3, H: S, W: S})
	wantGrey := make([]float32, S*S)
	wantLuma := make([]float32, S*S)
	wantRGB := make([]float32, 3*S*S)
	for y := range S {
		for x := range S {
			wantGrey[y*S+x] = float32(grey.GrayAt(x, y).Y) / 255
			wantLuma[y*S+x] = float32(color.GrayModel.Convert(rgb.At(x, y)).(color.Gray).Y) / 255
			c := rgb.RGBAAt(x, y)
			wantRGB[y*S+x], wantRGB[S*S+y*S+x], wantRGB[2*S*S+y*S+x] = float32(c.R)/255, float32(c.G)/255, float32(c.B)/255
		}
	}
	fill := func(n int, v float32) []float32 {
		out := make([]float32, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	raw := make([]float32, S*S)
	for i := range raw {
		raw[i] = float32(i) / 100
	}
	rawJSON, _ := json.Marshal(raw)
	cases := []struct {
		name  string
		m     *server.ImageModel
		input json.RawMessage
		want  []float32
		tol   float32
	}{
		{"grey PNG", greyModel, jsonString(encodePNG(t, grey)), wantGrey, 0},
		{"data URL", greyModel, jsonString("data:image/png;base64," + encodePNG(t, grey)), wantGrey, 0},
		{"unpadded base64", greyModel, jsonString(base64.RawStdEncoding.EncodeToString(mustDecode(encodePNG(t, grey)))), wantGrey, 0},
		{"RGB PNG to grey", greyModel, jsonString(encodePNG(t, rgb)), wantLuma, 1.01 / 255}, // training rounds 8-bit luma, image/color 16-bit
		{"RGB PNG planar", rgbModel, jsonString(encodePNG(t, rgb)), wantRGB, 0},
		{"resized uniform", rgbModel, jsonString(encodePNG(t, uniform)), append(append(fill(S*S, 200./255), fill(S*S, 100./255)...), fill(S*S, 50./255)...), 1e-6},
		{"JPEG", greyModel, jsonString(base64.StdEncoding.EncodeToString(jpg.Bytes())), wantGrey, 3. / 255},
		{"raw pixels", greyModel, rawJSON, raw, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := make([]float32, len(c.want))
			if err := c.m.Pixels(c.input, got); err != nil {
				t.Fatal(err)
			}
			for i := range got {
				if d := got[i] - c.want[i]; d > c.tol || d < -c.tol {
					t.Fatalf("pixel %d = %v, want %v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func mustDecode(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// hugePNG is a valid PNG header claiming w x h pixels (and no data).
func hugePNG(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grey
	binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr...)
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

// TestImageModelRejects checks that bad inputs are ErrBadInput errors.
func TestImageModelRejects(t *testing.T) {
	m := newImageModel(t, train.Shape{C: 1, H: 8, W: 8})
	cases := map[string]json.RawMessage{
		"bad base64":       jsonString("not base64!"),
		"not an image":     jsonString(base64.StdEncoding.EncodeToString([]byte("GIF89a......"))),
		"bomb":             jsonString(base64.StdEncoding.EncodeToString(hugePNG(100000, 100000))),
		"truncated PNG":    jsonString(base64.StdEncoding.EncodeToString(hugePNG(8, 8))),
		"short array":      json.RawMessage(`[1, 2, 3]`),
		"array of strings": json.RawMessage(`["a"]`),
		"object":           json.RawMessage(`{"png": "x"}`),
		"number":           json.RawMessage(`7`),
		"data URL no b64":  jsonString("data:image/png,xyz"),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := m.Embed(context.Background(), []json.RawMessage{in})
			if !errors.Is(err, server.ErrBadInput) {
				t.Fatalf("error %v, want ErrBadInput", err)
			}
		})
	}
}

// TestImageModelEmbed checks Embed against the encoder run directly, over
// more inputs than one forward batch.
func TestImageModelEmbed(t *testing.T) {
	in := train.Shape{C: 1, H: 6, W: 6}
	dir, l := writeRunDir(t, train.SimCLR, in, math.NaN())
	mdl, err := server.LoadImageModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := mdl.(server.Verifier); ok {
		t.Fatal("a model without verify_threshold is a Verifier")
	}
	if info := mdl.Info(); info.Dim != 6 || info.Modality != "image" || info.Name != "simclr" {
		t.Fatalf("info %+v", info)
	}
	const n = 70
	x := make([]float32, n*in.Len())
	inputs := make([]json.RawMessage, n)
	for i := range n {
		img := image.NewGray(image.Rect(0, 0, in.W, in.H))
		for j := range img.Pix {
			img.Pix[j] = uint8(i*13 + j*7)
			x[i*in.Len()+j] = float32(img.Pix[j]) / 255
		}
		inputs[i] = jsonString(encodePNG(t, img))
	}
	got, err := mdl.Embed(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	want := forward(l.Encoder(), x, n, in)
	for i := range want {
		for j := range want[i] {
			if math.Abs(float64(got[i][j]-want[i][j])) > 1e-5 {
				t.Fatalf("embedding %d = %v, want %v", i, got[i], want[i])
			}
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := mdl.Embed(ctx, inputs); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed with a cancelled context: %v", err)
	}
}

// TestCalibratedImageModel checks that a Siamese run directory with a
// verify_threshold gives a Verifier measuring the Euclidean distance of the
// encoder+head outputs (what the calibration measured).
func TestCalibratedImageModel(t *testing.T) {
	in := train.Shape{C: 1, H: 4, W: 4}
	a, b := make([]float32, in.Len()), make([]float32, in.Len())
	for i := range a {
		a[i], b[i] = float32(i)/16, float32(15-i)/16
	}
	zab := forward(mustLearner(t, in).(interface{ Embedding() nn.Module }).Embedding(), append(append([]float32(nil), a...), b...), 2, in)
	d := euclid(zab[0], zab[1])
	for _, th := range []float64{d / 2, d * 2} {
		t.Run(fmt.Sprint("threshold ", th), func(t *testing.T) {
			dir, _ := writeRunDir(t, train.Siamese, in, th)
			mdl, err := server.LoadImageModel(dir)
			if err != nil {
				t.Fatal(err)
			}
			v, ok := mdl.(server.Verifier)
			if !ok {
				t.Fatal("calibrated model is not a Verifier")
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			got, err := v.Verify(context.Background(), ja, jb)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Distance-d) > 1e-5 || got.Threshold != th || got.Same != (d <= th) {
				t.Fatalf("verdict %+v, want distance %v against %v", got, d, th)
			}
		})
	}
}

// mustLearner rebuilds the learner writeRunDir makes for Siamese (same seed,
// so the same weights).
func mustLearner(t testing.TB, in train.Shape) train.Learner {
	_, l := writeRunDir(t, train.Siamese, in, math.NaN())
	return l
}

// TestImageModelServer serves an image model: items written as PNGs are
// found by searching with the same PNG.
func TestImageModelServer(t *testing.T) {
	ctx := context.Background()
	in := train.Shape{C: 1, H: 6, W: 6}
	dir, _ := writeRunDir(t, train.SimCLR, in, math.NaN())
	mdl, err := server.LoadImageModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t, index.KindFlat, mdl.Info().Dim)
	ts := start(t, server.Options{Index: db, Model: mdl})
	var items []client.Item
	var pngs []json.RawMessage
	for i := range 20 {
		img := image.NewGray(image.Rect(0, 0, 12, 12))
		for j := range img.Pix {
			img.Pix[j] = uint8((i + 1) * (j + 3) * 7)
		}
		pngs = append(pngs, jsonString(encodePNG(t, img)))
		items = append(items, client.Item{ID: fmt.Sprint("img", i), Input: pngs[i]})
	}
	if _, err := ts.c.Upsert(ctx, items...); err != nil {
		t.Fatal(err)
	}
	for i := range items {
		res, err := ts.c.Search(ctx, client.SearchRequest{Query: client.ByInput(pngs[i]), K: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 1 || res[0].ID != items[i].ID || res[0].Score < 0.9999 {
			t.Fatalf("search with image %d found %+v", i, res)
		}
	}
	_, err = ts.c.Embed(ctx, json.RawMessage(`"%%%"`))
	wantCode(t, err, client.CodeBadRequest, 400)

	// Pixel arrays outside [0, 1] (3e38 made the network overflow: a 500)
	// and an item's bad input answer 400 naming the field and the index.
	fill := func(v string) string { return "[" + strings.TrimSuffix(strings.Repeat(v+",", in.Len()), ",") + "]" }
	bad := []byte(fill("0.5"))
	bad[len(bad)-4] = '7' // the last value is 7.5
	for _, c := range []struct{ method, path, body, mention string }{
		{"POST", "/v1/embed", `{"inputs":[` + fill("3e38") + `]}`, "inputs[0]: pixel array: value [0] = 3e+38 is outside [0, 1]"},
		{"POST", "/v1/embed", `{"inputs":[` + fill("0") + `,` + fill("-5") + `]}`, "inputs[1]: pixel array: value [0] = -5 is outside [0, 1]"},
		{"POST", "/v1/search", `{"input":` + string(bad) + `}`, fmt.Sprintf("input: pixel array: value [%d] = 7.5 is outside [0, 1]", in.Len()-1)},
		{"PUT", "/v1/items", `{"items":[{"id":"v","vector":[1,0,0,0,0,0]},{"id":"w","input":"%%%"}]}`, "items[1].input: base64"},
	} {
		status, msg := send(t, ts, c.method, c.path, c.body)
		if status != 400 || !strings.HasPrefix(msg, c.mention) {
			t.Errorf("%s %s: %d %q, want 400 starting %q", c.method, c.path, status, msg, c.mention)
		}
	}
}

// TestImageModelSizeLimits checks the bounds on decoding, read from each
// image's header before any image is decoded: one image's pixels, a
// request's pixels together, and the request's deadline between images.
func TestImageModelSizeLimits(t *testing.T) {
	m := newImageModel(t, train.Shape{C: 1, H: 8, W: 8})
	b64 := func(b []byte) json.RawMessage { return jsonString(base64.StdEncoding.EncodeToString(b)) }
	embed := func(ctx context.Context, inputs ...json.RawMessage) error {
		_, err := m.Embed(ctx, inputs)
		return err
	}
	wantInputError := func(err error, index int, mention string) {
		t.Helper()
		var ie *server.InputError
		if !errors.As(err, &ie) || !errors.Is(err, server.ErrBadInput) || ie.Index != index || !strings.Contains(err.Error(), mention) {
			t.Fatalf("error %v, want an InputError for input %d mentioning %q", err, index, mention)
		}
	}
	ok := jsonString(encodePNG(t, image.NewGray(image.Rect(0, 0, 8, 8))))
	for _, n := range []int{server.MaxImagePixels, server.MaxRequestPixels} {
		if !bytes.Contains(server.OpenAPI(), []byte(fmt.Sprint(n))) {
			t.Errorf("openapi.yaml does not give the limit %d", n)
		}
	}

	// 4096x4096 fits a 16 MiB body 95 times over as a 16-bit PNG; the
	// headers claim the size and the refusal comes before any decoding.
	err := embed(context.Background(), ok, b64(hugePNG(4096, 4096)))
	wantInputError(err, 1, fmt.Sprintf("want 1 to %d pixels", server.MaxImagePixels))

	// Images within MaxImagePixels, too many of them together.
	side := uint32(math.Sqrt(server.MaxImagePixels))
	inputs := []json.RawMessage{ok}
	for range server.MaxRequestPixels / server.MaxImagePixels {
		inputs = append(inputs, b64(hugePNG(side, side)))
	}
	wantInputError(embed(context.Background(), inputs...), len(inputs)-1, fmt.Sprintf("the %d pixels one request's images may hold", server.MaxRequestPixels))

	// Past its deadline a request decodes no further image: the truncated
	// second one would be a bad input.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := embed(ctx, ok, b64(hugePNG(8, 8))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Embed with a cancelled context: %v, want context.Canceled", err)
	}
	if err := embed(context.Background(), ok, b64(hugePNG(8, 8))); !errors.Is(err, server.ErrBadInput) {
		t.Fatalf("truncated PNG: %v", err)
	}
}
