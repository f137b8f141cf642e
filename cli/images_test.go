package cli

import (
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/train"
)

// writeImageRun writes an untrained MLP image model for inputs of shape in,
// as contrast train leaves it (model.safetensors, model.json, config.yaml).
func writeImageRun(t *testing.T, in train.Shape) string {
	t.Helper()
	dir := t.TempDir()
	cfg := train.Default()
	cfg.Encoder = train.EncoderConfig{Kind: train.EncoderMLP, Dim: 6, Hidden: []int{10}}
	cfg.Head = train.HeadConfig{ProjHidden: 8, ProjDim: 5}
	l, err := train.NewLearner(cfg, in, 2, cfg.Seed)
	if err != nil {
		t.Fatal(err)
	}
	if err := nn.SaveModule(filepath.Join(dir, train.ModelFile), l.Net(), nil); err != nil {
		t.Fatal(err)
	}
	meta, _ := json.Marshal(train.ModelMeta{Method: cfg.Method.String(), Input: in, Classes: 2, FeatureDim: 6})
	b, err := config.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, train.ModelInfo), meta, 0o644)
	os.WriteFile(filepath.Join(dir, train.ConfigFile), b, 0o644)
	return dir
}

// writeImageFolder writes an images: folder of two classes, two 12x12 RGB
// PNGs each.
func writeImageFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for c, class := range []string{"a", "b"} {
		os.MkdirAll(filepath.Join(dir, class), 0o755)
		for i := range 2 {
			img := image.NewRGBA(image.Rect(0, 0, 12, 12))
			for p := range img.Pix {
				img.Pix[p] = uint8(40*c + 7*i + p%5)
			}
			img.Set(3, 3, color.RGBA{255, 0, 0, 255})
			f, err := os.Create(filepath.Join(dir, class, string(rune('0'+i))+".png"))
			if err != nil {
				t.Fatal(err)
			}
			png.Encode(f, img)
			f.Close()
		}
	}
	return dir
}

// TestImageShapeMismatch checks that embed, eval and index build refuse images of another
// shape than the model's with a usage error that names both shapes and the
// images: options that fit (they used to panic inside the first layer), and
// that the fitting options then work.
func TestImageShapeMismatch(t *testing.T) {
	run := writeImageRun(t, train.Shape{C: 1, H: 8, W: 8})
	folder := writeImageFolder(t)
	out := filepath.Join(t.TempDir(), "z.npy")
	for _, args := range [][]string{
		{"embed", "--model", run, "--data", "images:" + folder, "--out", out},
		{"eval", "--model", run, "--data", "images:" + folder},
		{"index", "build", "--model", run, "--data", "images:" + folder, "--out", filepath.Join(t.TempDir(), "idx")},
	} {
		_, err := runCLI(t, args...)
		if err == nil || ExitCode(err) != 2 {
			t.Fatalf("%v: error %v, want a usage error", args, err)
		}
		for _, want := range []string{"the model takes 1x8x8 images", "the data holds 3x32x32", "?size=8&channels=1"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%v: error %q does not say %q", args, err, want)
			}
		}
	}
	if _, err := runCLI(t, "embed", "--model", run, "--data", "images:"+folder+"?size=8&channels=1", "--out", out); err != nil {
		t.Fatalf("embed with matching options: %v", err)
	}
}
