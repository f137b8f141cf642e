package data

import (
	"fmt"
	"slices"
)

// Images is an in-memory labelled image set: N examples of C channels, H rows
// and W columns. Pixels are stored compactly as uint8 in row-major (N, C, H, W)
// order; Example converts one example to float32 in [0, 1].
type Images struct {
	N, C, H, W int
	Pix        []uint8  // len N*C*H*W, layout (N, C, H, W)
	Labels     []int    // len N, each in [0, len(ClassNames))
	ClassNames []string // class names by label, e.g. "0".."9" for MNIST
}

// u8f32 maps a byte to its float32 value in [0, 1].
var u8f32 = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) / 255
	}
	return t
}()

// Len returns the number of examples N.
func (im *Images) Len() int { return im.N }

// Dim returns the number of values per example, C*H*W.
func (im *Images) Dim() int { return im.C * im.H * im.W }

// NumClasses returns len(ClassNames).
func (im *Images) NumClasses() int { return len(im.ClassNames) }

// Pixels returns example i's bytes, layout (C, H, W), sharing memory with Pix.
func (im *Images) Pixels(i int) []uint8 {
	d := im.Dim()
	return im.Pix[i*d : (i+1)*d : (i+1)*d]
}

// Example writes example i as float32 in [0, 1], layout (C, H, W), into dst,
// which must have length C*H*W.
func (im *Images) Example(i int, dst []float32) {
	if len(dst) != im.Dim() {
		panic(fmt.Sprintf("data: Images.Example: dst length %d, want C*H*W = %d*%d*%d = %d", len(dst), im.C, im.H, im.W, im.Dim()))
	}
	for k, p := range im.Pixels(i) {
		dst[k] = u8f32[p]
	}
}

// Validate checks that the sizes, Pix, Labels and ClassNames agree.
func (im *Images) Validate() error {
	if im.N < 0 || im.C < 1 || im.H < 1 || im.W < 1 {
		return fmt.Errorf("data: images: bad shape (N, C, H, W) = (%d, %d, %d, %d)", im.N, im.C, im.H, im.W)
	}
	if len(im.Pix) != im.N*im.Dim() {
		return fmt.Errorf("data: images: %d pixel bytes, want N*C*H*W = %d", len(im.Pix), im.N*im.Dim())
	}
	if len(im.Labels) != im.N {
		return fmt.Errorf("data: images: %d labels for %d examples", len(im.Labels), im.N)
	}
	for i, l := range im.Labels {
		if l < 0 || l >= len(im.ClassNames) {
			return fmt.Errorf("data: images: example %d has label %d, want [0, %d)", i, l, len(im.ClassNames))
		}
	}
	return nil
}

// Subset returns a copy holding examples idx, in that order (repeats allowed).
// It panics if an index is out of range.
func (im *Images) Subset(idx []int) *Images {
	d := im.Dim()
	out := &Images{N: len(idx), C: im.C, H: im.H, W: im.W,
		Pix: make([]uint8, len(idx)*d), Labels: make([]int, len(idx)),
		ClassNames: slices.Clone(im.ClassNames)}
	for k, i := range idx {
		if i < 0 || i >= im.N {
			panic(fmt.Sprintf("data: Images.Subset: index %d out of range [0, %d)", i, im.N))
		}
		copy(out.Pix[k*d:(k+1)*d], im.Pixels(i))
		out.Labels[k] = im.Labels[i]
	}
	return out
}

// Head returns a copy of the first n examples (all of them if n >= N).
func (im *Images) Head(n int) *Images {
	return im.Subset(rangeIdx(0, min(max(n, 0), im.N)))
}

// SplitAt returns copies of examples [0, n) and [n, N).
func (im *Images) SplitAt(n int) (head, tail *Images) {
	n = min(max(n, 0), im.N)
	return im.Subset(rangeIdx(0, n)), im.Subset(rangeIdx(n, im.N))
}

// Stratified returns a copy holding about frac of each class, chosen at random
// with seed (see StratifiedSplit): the usual 1% and 10% label subsets for
// semi-supervised evaluation.
func (im *Images) Stratified(frac float64, seed uint64) (*Images, error) {
	pick, _, err := StratifiedSplit(im.Labels, frac, seed)
	if err != nil {
		return nil, err
	}
	return im.Subset(pick), nil
}

// ClassCounts returns the number of examples of each class, indexed by label.
func (im *Images) ClassCounts() []int { return classCounts(im.Labels, len(im.ClassNames)) }

func classCounts(labels []int, k int) []int {
	c := make([]int, k)
	for _, l := range labels {
		if l >= 0 && l < k {
			c[l]++
		}
	}
	return c
}

func rangeIdx(lo, hi int) []int {
	idx := make([]int, 0, max(hi-lo, 0))
	for i := lo; i < hi; i++ {
		idx = append(idx, i)
	}
	return idx
}
