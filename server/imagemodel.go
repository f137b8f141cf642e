package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/index"
	"github.com/contrast-ml/contrast/internal/strictjson"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
	"github.com/contrast-ml/contrast/train"
	"golang.org/x/image/draw"
)

// Image size limits, checked from each image's header (image.DecodeConfig)
// before any image of the request is decoded, so that a small compressed
// body cannot expand into gigabytes or minutes: a 4096x4096 16-bit RGBA PNG
// of 130 KB decodes into 134 MB in about 0.2 s, and the 95 of them that fit
// a 16 MiB body took 16-18 s and 1.4 GB when four such requests ran at once.
const (
	// MaxImagePixels bounds one image's width*height: 2048x2048, 32 MB and
	// 80-150 ms to decode at worst (16-bit RGBA), far more detail than any
	// model's input keeps (the model resizes it to its H x W; send images
	// resized close to that).
	MaxImagePixels = 1 << 22
	// MaxRequestPixels bounds the sum of width*height over one request's
	// images: 8 images at MaxImagePixels, or 1024 (the default batch limit)
	// of 181x181, about a second of decoding at worst (16-bit RGBA), well
	// within the default 10 s request timeout.
	MaxRequestPixels = 1 << 25
)

// imageBatch is how many images one forward pass takes.
const imageBatch = 64

// ImageModel embeds images with a trained encoder (train.LoadModel's
// Learner.Encoder()), preprocessed as training read them (data.ReadImageFolder
// and data.Images.Example): decoded, resized bilinearly to the model's (C, H,
// W), converted to grey (ITU-R 601 luma) or planar RGB, scaled to [0, 1].
//
// An input is a JSON string holding a base64 PNG or JPEG (a "data:image/...;
// base64," prefix is allowed) of at most MaxImagePixels pixels, or a JSON
// array of C*H*W numbers in [0, 1], the pixels already in the model's layout
// (C, H, W) and scale. One request's images hold at most MaxRequestPixels
// pixels together.
type ImageModel struct {
	name  string
	shape train.Shape
	net   nn.Module
	dim   int
	mu    sync.Mutex // forward passes one at a time: modules keep no per-call state guarantees
}

// NewImageModel wraps a network taking (batch, C, H, W) inputs, switched to
// evaluation mode. It runs one blank image through it to learn the
// embedding dimension.
func NewImageModel(name string, net nn.Module, in train.Shape) (*ImageModel, error) {
	if in.C != 1 && in.C != 3 || in.H < 1 || in.W < 1 || in.H*in.W > MaxImagePixels {
		return nil, fmt.Errorf("server: image model %q: input shape %v, want 1 or 3 channels and a sane size", name, in)
	}
	net.SetTraining(false)
	m := &ImageModel{name: name, shape: in, net: net}
	z, err := m.forward(make([]float32, in.Len()), 1)
	if err != nil {
		return nil, fmt.Errorf("server: image model %q: %w", name, err)
	}
	m.dim = len(z)
	return m, nil
}

// LoadImageModel loads the run directory written by contrast train. When the
// directory's metrics.json holds a calibrated verify_threshold (Siamese
// networks), the model returned also implements Verifier.
func LoadImageModel(dir string) (Model, error) {
	l, cfg, meta, err := train.LoadModel(dir)
	if err != nil {
		return nil, err
	}
	m, err := NewImageModel(cfg.Method.String(), l.Encoder(), meta.Input)
	if err != nil {
		return nil, err
	}
	th, ok, err := readThreshold(filepath.Join(dir, "metrics.json"))
	if err != nil || !ok {
		return m, err
	}
	var net nn.Module = l.Encoder()
	if e, ok := l.(interface{ Embedding() nn.Module }); ok {
		net = e.Embedding() // what the calibration measured (train's netOf)
	}
	vm, err := NewImageModel(cfg.Method.String(), net, meta.Input)
	if err != nil {
		return nil, err
	}
	return &CalibratedImageModel{ImageModel: m, verify: vm, Threshold: th}, nil
}

// readThreshold reads verify_threshold from a metrics.json; a missing file
// or a missing or null value means "not calibrated".
func readThreshold(path string) (float64, bool, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("server: read %q: %w", path, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return 0, false, fmt.Errorf("server: read %q: %w", path, err)
	}
	raw, ok := m["verify_threshold"]
	if !ok || isNull(raw) {
		return 0, false, nil
	}
	var th float64
	if err := json.Unmarshal(raw, &th); err != nil || math.IsNaN(th) {
		return 0, false, fmt.Errorf("server: read %q: verify_threshold %s is not a number", path, raw)
	}
	return th, true, nil
}

// Info describes the model.
func (m *ImageModel) Info() ModelInfo {
	s := m.shape
	return ModelInfo{Name: m.name, Modality: "image", Dim: m.dim,
		Input: fmt.Sprintf("a base64 PNG or JPEG of at most %d pixels, %d per request (resized to %dx%d, %s), or an array of %d numbers in [0, 1], layout (C, H, W) = (%d, %d, %d)",
			MaxImagePixels, MaxRequestPixels, s.W, s.H, map[int]string{1: "grey", 3: "RGB"}[s.C], s.Len(), s.C, s.H, s.W)}
}

// Shape is the model's input shape.
func (m *ImageModel) Shape() train.Shape { return m.shape }

// Embed decodes the inputs and runs them through the network in batches.
// It reads every input first (pixel arrays, and the headers of images, whose
// sizes must fit MaxImagePixels and together MaxRequestPixels), then decodes
// the images one at a time, stopping with ctx.Err() between two once ctx is
// done. An error about an input is an *InputError.
func (m *ImageModel) Embed(ctx context.Context, inputs []json.RawMessage) ([][]float32, error) {
	L := m.shape.Len()
	x := make([]float32, len(inputs)*L)
	imgs := make([][]byte, len(inputs))
	budget := int64(MaxRequestPixels)
	for i, in := range inputs {
		var err error
		if imgs[i], err = m.read(in, x[i*L:(i+1)*L], &budget); err != nil {
			return nil, &InputError{Index: i, Err: err}
		}
	}
	for i, b := range imgs {
		if b == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := m.decodeImage(b, x[i*L:(i+1)*L]); err != nil {
			return nil, &InputError{Index: i, Err: err}
		}
	}
	out := make([][]float32, 0, len(inputs))
	for lo := 0; lo < len(inputs); lo += imageBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n := min(imageBatch, len(inputs)-lo)
		z, err := m.forward(x[lo*L:(lo+n)*L], n)
		if err != nil {
			return nil, err
		}
		d := len(z) / n
		for i := range n {
			out = append(out, z[i*d:(i+1)*d:(i+1)*d])
		}
	}
	return out, nil
}

// forward runs n images, x of (n, C, H, W), and returns the (n, dim) outputs.
func (m *ImageModel) forward(x []float32, n int) (out []float32, err error) {
	defer func() {
		if p := recover(); p != nil { // a network that does not fit its input shape
			err = fmt.Errorf("forward pass: %v", p)
		}
	}()
	s := m.shape
	m.mu.Lock()
	defer m.mu.Unlock()
	z := m.net.Forward(ag.NewTape(false), ag.Const(tensor.FromSlice(x, n, s.C, s.H, s.W))).Value
	if z.Numel() == 0 || z.Numel()%n != 0 || (m.dim != 0 && z.Numel() != n*m.dim) {
		return nil, fmt.Errorf("network output of %d values for %d images", z.Numel(), n)
	}
	return append([]float32(nil), z.Data[:z.Numel()]...), nil
}

// Pixels decodes one input into dst, (C, H, W) floats in [0, 1], with
// Embed's checks: an image of at most MaxImagePixels, a pixel array of
// values in [0, 1].
func (m *ImageModel) Pixels(raw json.RawMessage, dst []float32) error {
	budget := int64(MaxRequestPixels)
	img, err := m.read(raw, dst, &budget)
	if err != nil || img == nil {
		return err
	}
	return m.decodeImage(img, dst)
}

// read reads one input: a pixel array into dst, or an image's compressed
// bytes, returned once its header shows a size within MaxImagePixels and
// the request's remaining budget of pixels, which it lowers.
func (m *ImageModel) read(raw json.RawMessage, dst []float32, budget *int64) (img []byte, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, errors.New("empty input")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return readImage(s, budget)
	case '[':
		var px []float32
		if err := json.Unmarshal(raw, &px); err != nil {
			return nil, fmt.Errorf("pixel array: %v", strictjson.Text(err))
		}
		if len(px) != len(dst) {
			return nil, fmt.Errorf("pixel array of %d values, the model takes C*H*W = %d*%d*%d = %d", len(px), m.shape.C, m.shape.H, m.shape.W, len(dst))
		}
		// Training scaled pixels to [0, 1]; values far outside it make the
		// network's output overflow (3e38 gave +Inf, an internal error).
		for j, v := range px {
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("pixel array: value [%d] = %g is outside [0, 1]", j, v)
			}
		}
		copy(dst, px)
		return nil, nil
	}
	return nil, errors.New("want a base64 PNG/JPEG string or an array of pixel values")
}

// readImage decodes the base64 of s and checks the image's header against
// MaxImagePixels and the request's remaining budget, which it lowers.
func readImage(s string, budget *int64) ([]byte, error) {
	if strings.HasPrefix(s, "data:") {
		i := strings.Index(s, ";base64,")
		if i < 0 {
			return nil, errors.New("data: URL without ;base64,")
		}
		s = s[i+len(";base64,"):]
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(s); err != nil {
			return nil, fmt.Errorf("base64: %v", err)
		}
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("image: %v (want PNG or JPEG)", err)
	}
	px := int64(cfg.Width) * int64(cfg.Height)
	switch {
	case cfg.Width < 1 || cfg.Height < 1 || px > MaxImagePixels:
		return nil, fmt.Errorf("image of %dx%d pixels: want 1 to %d pixels (resize it towards the model's input size)", cfg.Width, cfg.Height, MaxImagePixels)
	case px > *budget:
		return nil, fmt.Errorf("image of %dx%d pixels exceeds what is left of the %d pixels one request's images may hold together (send fewer or smaller images)", cfg.Width, cfg.Height, MaxRequestPixels)
	}
	*budget -= px
	return b, nil
}

// decodeImage decodes an image that readImage accepted into dst.
func (m *ImageModel) decodeImage(b []byte, dst []float32) error {
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return fmt.Errorf("image: %v", err)
	}
	if src.Bounds().Empty() {
		return errors.New("empty image")
	}
	sh := m.shape
	rgba := image.NewRGBA(image.Rect(0, 0, sh.W, sh.H))
	draw.BiLinear.Scale(rgba, rgba.Bounds(), src, src.Bounds(), draw.Src, nil)
	rgbaToCHW(rgba, sh.C, dst)
	return nil
}

// rgbaToCHW writes an RGBA image as planar RGB or ITU-R 601 grey in [0, 1],
// the same bytes as data.ReadImageFolder, then scaled as data.Images.Example.
func rgbaToCHW(img *image.RGBA, c int, out []float32) {
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	hw := w * h
	k := 0
	for y := range h {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		for x := range w {
			r, g, b := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
			if c == 1 {
				out[k] = float32(uint8((19595*r+38470*g+7471*b+1<<15)>>16)) / 255
			} else {
				out[k], out[hw+k], out[2*hw+k] = float32(r)/255, float32(g)/255, float32(b)/255
			}
			k++
		}
	}
}

// CalibratedImageModel is an ImageModel whose run directory holds a
// verification threshold: it also implements Verifier.
type CalibratedImageModel struct {
	*ImageModel
	verify *ImageModel // the network the threshold was calibrated on
	// Threshold is the calibrated Euclidean distance: pairs at most this far
	// apart are "same".
	Threshold float64
}

// Verify embeds both inputs with the calibrated network and compares their
// Euclidean distance with the threshold.
func (m *CalibratedImageModel) Verify(ctx context.Context, a, b json.RawMessage) (Verdict, error) {
	z, err := m.verify.Embed(ctx, []json.RawMessage{a, b})
	if err != nil {
		return Verdict{}, err
	}
	d := math.Sqrt(Score(index.L2, z[0], z[1]))
	return Verdict{Same: d <= m.Threshold, Distance: d, Threshold: m.Threshold}, nil
}
