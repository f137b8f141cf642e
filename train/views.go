package train

import (
	"math/rand/v2"
	"sync"

	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/data"
)

// newAugment builds the per-view image pipeline of cfg: random resized crop
// (CropMin > 0) or crop after zero padding (Pad > 0), rotation, elastic warp,
// horizontal flip, random erasing, then Gaussian noise, in that order.
func newAugment(cfg AugmentConfig, s augment.Shape) (augment.Image, error) {
	var ts []augment.Image
	add := func(t augment.Image, err error) error {
		if err == nil {
			ts = append(ts, t)
		}
		return err
	}
	if cfg.CropMin > 0 {
		if err := add(augment.NewRandomResizedCrop(s.H, s.W, [2]float64{cfg.CropMin, 1}, [2]float64{3. / 4, 4. / 3})); err != nil {
			return nil, err
		}
	}
	if cfg.Pad > 0 {
		if err := add(augment.NewPadCrop(cfg.Pad)); err != nil {
			return nil, err
		}
	}
	if cfg.Rotate > 0 {
		if err := add(augment.NewAffine(cfg.Rotate, [2]float64{0, 0}, [2]float64{1, 1}, 0)); err != nil {
			return nil, err
		}
	}
	if cfg.Warp > 0 {
		if err := add(augment.NewWarp(4, cfg.Warp)); err != nil {
			return nil, err
		}
	}
	if cfg.Flip {
		if err := add(augment.NewHorizontalFlip(0.5)); err != nil {
			return nil, err
		}
	}
	if cfg.Erase > 0 {
		if err := add(augment.NewRandomErasing(cfg.Erase, [2]float64{0.02, 0.2}, [2]float64{0.3, 3.3}, augment.EraseConstant, 0)); err != nil {
			return nil, err
		}
	}
	if cfg.Noise > 0 {
		if err := add(augment.NewGaussianNoise(cfg.Noise, false)); err != nil {
			return nil, err
		}
	}
	return augment.NewCompose(ts...)
}

// viewFill returns the loader's FillFunc: example i's views, one after another.
func viewFill(im *data.Images, pipe augment.Image, views int) data.FillFunc {
	s := augment.Shape{C: im.C, H: im.H, W: im.W}
	L := s.Len()
	bufs := sync.Pool{New: func() any { b := make([]float32, L); return &b }} // one per concurrent worker
	return func(rng *rand.Rand, i int, dst []float32) {
		buf := bufs.Get().(*[]float32)
		src := *buf
		im.Example(i, src)
		for v := range views {
			pipe.Apply(rng, dst[v*L:(v+1)*L], src, s)
		}
		bufs.Put(buf)
	}
}

// viewMajor writes x, laid out (B, G, L), into dst as (G, B, L): the loader
// fills example by example (all views of one example together, or both
// elements of one pair), the networks want each view as one contiguous batch.
func viewMajor(dst, x []float32, b, g, l int) {
	for i := range b {
		for v := range g {
			copy(dst[(v*b+i)*l:(v*b+i+1)*l], x[(i*g+v)*l:(i*g+v+1)*l])
		}
	}
}
