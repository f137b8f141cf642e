package data

import (
	"fmt"
	"image"
	_ "image/jpeg" // register JPEG for image.Decode
	_ "image/png"  // register PNG for image.Decode
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/image/draw"
)

// Resample chooses the interpolation used to resize images.
type Resample int

const (
	Bilinear   Resample = iota // bilinear interpolation (the default)
	CatmullRom                 // Catmull-Rom cubic, sharper and slower
)

// String returns "bilinear" or "catmullrom".
func (r Resample) String() string {
	switch r {
	case Bilinear:
		return "bilinear"
	case CatmullRom:
		return "catmullrom"
	}
	return fmt.Sprintf("Resample(%d)", int(r))
}

func (r Resample) scaler() (draw.Scaler, error) {
	switch r {
	case Bilinear:
		return draw.BiLinear, nil
	case CatmullRom:
		return draw.CatmullRom, nil
	}
	return nil, fmt.Errorf("data: unknown resampling %v", r)
}

// ImageFolderOptions configures ReadImageFolder.
type ImageFolderOptions struct {
	Size     int      // output height and width in pixels; 0 means 32
	Channels int      // 1 (grey, ITU-R 601 luma) or 3 (RGB); 0 means 3
	Resample Resample // interpolation; the zero value is Bilinear
}

func (o ImageFolderOptions) withDefaults() (ImageFolderOptions, error) {
	if o.Size == 0 {
		o.Size = 32
	}
	if o.Channels == 0 {
		o.Channels = 3
	}
	if o.Size < 1 || o.Size > 4096 {
		return o, fmt.Errorf("data: images: size %d not in [1, 4096]", o.Size)
	}
	if o.Channels != 1 && o.Channels != 3 {
		return o, fmt.Errorf("data: images: channels %d, want 1 or 3", o.Channels)
	}
	if _, err := o.Resample.scaler(); err != nil {
		return o, err
	}
	return o, nil
}

// maxImagePixels bounds the size of one source image (256 Mpx), checked from
// the header before decoding.
const maxImagePixels = 1 << 28

// isImageFile reports whether name has a PNG or JPEG extension.
func isImageFile(name string) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png", ".jpg", ".jpeg":
		return true
	}
	return false
}

// ReadImageFolder reads dir laid out as one sub-folder per class
// (dir/CLASS/*.png|*.jpg|*.jpeg, as torchvision's ImageFolder). Classes are the
// sub-folder names in sorted order, files are taken in sorted order, hidden
// entries and other files are ignored, and every class must hold at least one
// image. Each image is decoded (the format is sniffed from the content),
// stretched to Size x Size and stored as (N, Channels, Size, Size).
func ReadImageFolder(dir string, opt ImageFolderOptions) (*Images, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("data: images: %w", err)
	}
	var classes []string
	var files []string
	var labels []int
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		cdir := filepath.Join(dir, e.Name())
		if st, err := os.Stat(cdir); err != nil || !st.IsDir() {
			continue
		}
		sub, err := os.ReadDir(cdir)
		if err != nil {
			return nil, fmt.Errorf("data: images: %w", err)
		}
		n := 0
		for _, f := range sub {
			if strings.HasPrefix(f.Name(), ".") || !isImageFile(f.Name()) {
				continue
			}
			p := filepath.Join(cdir, f.Name())
			if st, err := os.Stat(p); err != nil || !st.Mode().IsRegular() {
				continue
			}
			files = append(files, p)
			labels = append(labels, len(classes))
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("data: images: class folder %s holds no .png, .jpg or .jpeg file", cdir)
		}
		classes = append(classes, e.Name())
	}
	if len(classes) == 0 {
		return nil, fmt.Errorf("data: images: %s has no class sub-folders (want DIR/CLASS/IMAGE.png)", dir)
	}
	s := opt.Size
	im := &Images{N: len(files), C: opt.Channels, H: s, W: s, Labels: labels, ClassNames: classes,
		Pix: make([]uint8, len(files)*opt.Channels*s*s)}
	errs := make([]error, len(files))
	parallelFor(len(files), func(lo, hi int) {
		dst := image.NewRGBA(image.Rect(0, 0, s, s))
		for i := lo; i < hi; i++ {
			errs[i] = decodeInto(files[i], dst, opt, im.Pixels(i))
		}
	})
	for _, e := range errs {
		if e != nil {
			return nil, e
		}
	}
	return im, nil
}

// decodeInto decodes path, resizes it into the scratch dst and writes it as
// (C, H, W) bytes into out.
func decodeInto(path string, dst *image.RGBA, opt ImageFolderOptions, out []uint8) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return fmt.Errorf("data: decode %q: %w", path, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxImagePixels {
		return fmt.Errorf("data: decode %q: %dx%d image is larger than %d pixels", path, cfg.Width, cfg.Height, maxImagePixels)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("data: read %q: %w", path, err)
	}
	src, _, err := image.Decode(f)
	if err != nil {
		return fmt.Errorf("data: decode %q: %w", path, err)
	}
	if src.Bounds().Empty() {
		return fmt.Errorf("data: decode %q: empty image", path)
	}
	sc, _ := opt.Resample.scaler()
	sc.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
	rgbaToCHW(dst, opt.Channels, out)
	return nil
}

// rgbaToCHW writes an RGBA image as planar RGB, or as grey with the ITU-R 601
// luma weights of image/color.GrayModel when c == 1.
func rgbaToCHW(img *image.RGBA, c int, out []uint8) {
	b := img.Bounds()
	hw := b.Dx() * b.Dy()
	k := 0
	for y := 0; y < b.Dy(); y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*b.Dx()]
		for x := 0; x < b.Dx(); x++ {
			r, g, bl := uint32(row[4*x]), uint32(row[4*x+1]), uint32(row[4*x+2])
			if c == 1 {
				out[k] = uint8((19595*r + 38470*g + 7471*bl + 1<<15) >> 16)
			} else {
				out[k], out[hw+k], out[2*hw+k] = uint8(r), uint8(g), uint8(bl)
			}
			k++
		}
	}
}

// parallelFor runs fn over [0, n) split into contiguous chunks, one goroutine
// per CPU, and returns when all are done.
func parallelFor(n int, fn func(lo, hi int)) {
	w := min(runtime.GOMAXPROCS(0), n)
	if w <= 1 {
		if n > 0 {
			fn(0, n)
		}
		return
	}
	var wg sync.WaitGroup
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			fn(lo, hi)
		}(lo, min(lo+chunk, n))
	}
	wg.Wait()
}
