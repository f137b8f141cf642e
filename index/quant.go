package index

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// Quantization selects how stored vectors are compressed.
//
// Int8PerDim and Int8Global are 8-bit scalar quantisation (as FAISS's
// ScalarQuantizer QT_8bit): each component x is stored as the level
// c = round((x - lo)/scale), c in 0..255, with lo and scale = (hi-lo)/255 taken
// per dimension or over all dimensions from the first batch of vectors written
// (at least MinQuantFit; values outside the fitted range are clamped).
// Search uses asymmetric distance computation: the query stays float32 and
// the inner product is q·lo + (q∘scale)·c, one float-by-byte dot product per
// stored vector.
type Quantization uint8

const (
	// NoQuant stores float32 vectors.
	NoQuant Quantization = iota
	// Int8PerDim fits lo and hi per dimension.
	Int8PerDim
	// Int8Global fits one lo and hi over all dimensions.
	Int8Global
)

// String returns "none", "int8" (per dimension) or "int8-global".
func (q Quantization) String() string {
	switch q {
	case NoQuant:
		return "none"
	case Int8PerDim:
		return "int8"
	case Int8Global:
		return "int8-global"
	}
	return fmt.Sprintf("Quantization(%d)", uint8(q))
}

// ParseQuantization parses "none" (or ""), "int8" (or "int8-dim") and
// "int8-global".
func ParseQuantization(s string) (Quantization, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "none", "float32":
		return NoQuant, nil
	case "int8", "int8-dim", "int8-perdim", "sq8":
		return Int8PerDim, nil
	case "int8-global":
		return Int8Global, nil
	}
	return 0, fmt.Errorf("index: unknown quantization %q (want none, int8 or int8-global)", s)
}

func (q Quantization) valid() bool { return q <= Int8Global }

// quantizer maps float32 components to 8-bit levels: x ≈ lo[j] + scale[j]*c.
type quantizer struct {
	lo    []float32 // (dim)
	scale []float32 // (dim)
	inv   []float32 // 1/scale, 0 where scale is 0
}

// MinQuantFit is the fewest items the first write to an empty quantised
// index may hold. The quantizer's ranges are fitted on that batch alone: the
// range of m draws leaves about 2/(m+1) of later values of a dimension
// outside it, clamped (3% at 64), and a batch of one fits ranges of width
// zero, under which every stored vector gets the same codes.
const MinQuantFit = 64

// ErrQuantFit is wrapped by the error of a first write to a quantised index
// that holds fewer than MinQuantFit items.
var ErrQuantFit = errors.New("too few items to fit the quantizer")

// checkFit refuses a first write of n items (n > 0; an empty write changes
// nothing) to a quantised store whose quantizer is not fitted yet when n is
// below MinQuantFit.
func (s *store) checkFit(n int) error {
	if s.quantised() && s.quant == nil && n > 0 && n < MinQuantFit {
		return fmt.Errorf("index: %v quantisation fits its ranges on the first write, which holds %d items; write at least %d at once, or use quantization none (%w)",
			s.qkind, n, MinQuantFit, ErrQuantFit)
	}
	return nil
}

// fitQuantizer fits a quantizer of the given kind to data, (n, dim), n >= 1.
func fitQuantizer(kind Quantization, dim int, data []float32) *quantizer {
	lo := make([]float32, dim)
	hi := make([]float32, dim)
	copy(lo, data[:dim])
	copy(hi, data[:dim])
	for off := dim; off < len(data); off += dim {
		for j, v := range data[off : off+dim] {
			lo[j] = min(lo[j], v)
			hi[j] = max(hi[j], v)
		}
	}
	if kind == Int8Global {
		glo, ghi := lo[0], hi[0]
		for j := range lo {
			glo, ghi = min(glo, lo[j]), max(ghi, hi[j])
		}
		for j := range lo {
			lo[j], hi[j] = glo, ghi
		}
	}
	scale := make([]float32, dim)
	for j := range scale {
		scale[j] = (hi[j] - lo[j]) / 255
	}
	return newQuantizer(lo, scale)
}

func newQuantizer(lo, scale []float32) *quantizer {
	inv := make([]float32, len(scale))
	for j, s := range scale {
		if s > 0 {
			inv[j] = 1 / s
		}
	}
	return &quantizer{lo: lo, scale: scale, inv: inv}
}

// validate checks a quantizer read from outside.
func (q *quantizer) validate() error {
	for j := range q.lo {
		if !finite(q.lo[j]) || !finite(q.scale[j]) || q.scale[j] < 0 {
			return fmt.Errorf("quantizer dimension %d: lo %v scale %v", j, q.lo[j], q.scale[j])
		}
	}
	return nil
}

func finite(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

// encode writes the codes of x to dst; both have length dim.
func (q *quantizer) encode(x []float32, dst []uint8) {
	for j, v := range x {
		c := (v - q.lo[j]) * q.inv[j]
		switch {
		case c <= 0:
			dst[j] = 0
		case c >= 255:
			dst[j] = 255
		default:
			dst[j] = uint8(c + 0.5)
		}
	}
}

// decode writes the reconstruction of codes c to dst.
func (q *quantizer) decode(c []uint8, dst []float32) {
	for j, v := range c {
		dst[j] = q.lo[j] + q.scale[j]*float32(v)
	}
}
