package data

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func encodePNG(t *testing.T, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadImageFolder(t *testing.T) {
	dir := t.TempDir()
	red := color.RGBA{200, 10, 30, 255}
	blue := color.RGBA{5, 20, 250, 255}
	// Class "cat": a 7x5 red PNG and a 3x3 red PNG; class "dog": a 16x16 blue
	// JPEG (named .jpeg); noise that must be ignored: a text file, a hidden
	// file, a loose file at the top.
	writeFile(t, filepath.Join(dir, "cat", "b.png"), encodePNG(t, solid(7, 5, red)))
	writeFile(t, filepath.Join(dir, "cat", "a.PNG"), encodePNG(t, solid(3, 3, red)))
	writeFile(t, filepath.Join(dir, "cat", "notes.txt"), []byte("x"))
	writeFile(t, filepath.Join(dir, "cat", ".hidden.png"), []byte("not an image"))
	writeFile(t, filepath.Join(dir, "README.png"), []byte("x"))
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, solid(16, 16, blue), &jpeg.Options{Quality: 100}); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "dog", "x.jpeg"), jb.Bytes())

	near := func(a, b uint8, tol int) bool { d := int(a) - int(b); return d >= -tol && d <= tol }
	for _, rs := range []Resample{Bilinear, CatmullRom} {
		t.Run("rgb/"+rs.String(), func(t *testing.T) {
			im, err := ReadImageFolder(dir, ImageFolderOptions{Size: 4, Resample: rs})
			if err != nil {
				t.Fatal(err)
			}
			if im.N != 3 || im.C != 3 || im.H != 4 || im.W != 4 || !slices.Equal(im.ClassNames, []string{"cat", "dog"}) || !slices.Equal(im.Labels, []int{0, 0, 1}) {
				t.Fatalf("got N=%d C=%d %dx%d classes %v labels %v", im.N, im.C, im.H, im.W, im.ClassNames, im.Labels)
			}
			// A solid image stays solid whatever the interpolation; JPEG may
			// shift colours by a few levels.
			for i, want := range []color.RGBA{red, red, blue} {
				px := im.Pixels(i)
				for k := range 16 {
					if !near(px[k], want.R, 3) || !near(px[16+k], want.G, 3) || !near(px[32+k], want.B, 3) {
						t.Fatalf("example %d pixel %d = (%d,%d,%d), want %v", i, k, px[k], px[16+k], px[32+k], want)
					}
				}
			}
		})
	}
	t.Run("grey", func(t *testing.T) {
		im, err := ReadImageFolder(dir, ImageFolderOptions{Size: 2, Channels: 1})
		if err != nil {
			t.Fatal(err)
		}
		// ITU-R 601 luma, as color.GrayModel computes it.
		want := color.GrayModel.Convert(red).(color.Gray).Y
		if im.C != 1 || len(im.Pix) != 3*4 || !near(im.Pix[0], want, 1) {
			t.Fatalf("C=%d pix %v, want first %d", im.C, im.Pix, want)
		}
	})
	t.Run("gradient kept at native size", func(t *testing.T) {
		d := t.TempDir()
		g := image.NewGray(image.Rect(0, 0, 4, 4))
		for i := range g.Pix {
			g.Pix[i] = uint8(i * 16)
		}
		writeFile(t, filepath.Join(d, "a", "g.png"), encodePNG(t, g))
		im, err := ReadImageFolder(d, ImageFolderOptions{Size: 4, Channels: 1})
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range im.Pix {
			if !near(p, g.Pix[i], 1) {
				t.Fatalf("pixel %d = %d, want %d", i, p, g.Pix[i])
			}
		}
	})
	t.Run("errors", func(t *testing.T) {
		bad := t.TempDir()
		writeFile(t, filepath.Join(bad, "c", "broken.png"), []byte("\x89PNG garbage"))
		empty := t.TempDir()
		writeFile(t, filepath.Join(empty, "c", "x.txt"), nil)
		for _, c := range []struct {
			dir  string
			opt  ImageFolderOptions
			want string
		}{
			{bad, ImageFolderOptions{}, "broken.png"},
			{empty, ImageFolderOptions{}, "holds no .png"},
			{t.TempDir(), ImageFolderOptions{}, "no class sub-folders"},
			{filepath.Join(bad, "nope"), ImageFolderOptions{}, "no such file"},
			{dir, ImageFolderOptions{Channels: 2}, "channels 2"},
			{dir, ImageFolderOptions{Size: -1}, "size -1"},
			{dir, ImageFolderOptions{Resample: 9}, "Resample(9)"},
		} {
			if _, err := ReadImageFolder(c.dir, c.opt); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s %+v: err = %v, want %q", c.dir, c.opt, err, c.want)
			}
		}
	})
}
