package ag

import (
	"fmt"
	"math"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// ConvFuse selects stages fused into a convolution's epilogue: ReLU and a
// PoolK x PoolK max-pool with stride PoolStride (floor mode, no padding;
// PoolStride 0 means PoolK), giving MaxPool(ReLU(conv + bias)). The fused op
// gives the same values and gradients as the separate ops, but never writes the
// full-resolution activation to memory: each chunk of images is pooled while
// still in cache, and only the pooled output and its argmax positions are kept
// for backward. For W1 it halves the CPU time of forward+backward against
// Conv2d, ReLU and MaxPool2d in turn; 2x2 windows of stride 2 take the
// fastest path.
type ConvFuse struct {
	ReLU       bool
	PoolK      int
	PoolStride int
}

// Conv2d returns the 2-D convolution (cross-correlation, as PyTorch's conv2d) of
// x (N, C, H, W) with weights w (O, C/groups, KH, KW) and optional bias b (O), with
// the same stride and zero padding on both axes: (N, O, OH, OW) with
// OH = (H + 2*pad - KH)/stride + 1. Weights are laid out as PyTorch's, so
// checkpoints carry over unchanged. Input channels and outputs are split into
// groups that do not mix (Krizhevsky et al. 2012).
//
// It runs as batched im2col and sgemm (Chellapilla et al. 2006): chunks of images
// are unfolded into one wide column matrix (C/groups*KH*KW, images*OH*OW) that
// stays in cache, multiplied by the weights as one matrix product per group
// (pixel-major: col^T x W^T), and the product is moved to NCHW with the bias
// added. The chunks are spread over the cores, each with its own buffers;
// backward recomputes a chunk's column matrix rather than storing the batch's,
// takes the weight gradient as col x g^T and the input gradient as col2im of
// W^T x g. The results do not depend on timing: each core's share of the chunks
// and the order of the partial sums are fixed by GOMAXPROCS.
func (t *Tape) Conv2d(x, w, b *Var, stride, pad, groups int) *Var {
	return t.Conv2dFused(x, w, b, stride, pad, groups, ConvFuse{})
}

// Conv2dReLU is ReLU(Conv2d(x, w, b, ...)) in one op: the bias and ReLU are
// applied while the product is scattered, and backward masks the gradient on
// the way in, so the ReLU costs no pass of its own.
func (t *Tape) Conv2dReLU(x, w, b *Var, stride, pad, groups int) *Var {
	return t.Conv2dFused(x, w, b, stride, pad, groups, ConvFuse{ReLU: true})
}

// Conv2dFused is Conv2d followed by the fused stages of f (see ConvFuse); e.g.
// ConvFuse{ReLU: true, PoolK: 2} is MaxPool2d(ReLU(Conv2d(...)), 2, 2), giving
// (N, O, PH, PW) with PH = (OH - PoolK)/PoolStride + 1.
func (t *Tape) Conv2dFused(x, w, b *Var, stride, pad, groups int, f ConvFuse) *Var {
	c := newConvPlan(x, w, b, stride, pad, groups, f)
	name := "Conv2d"
	switch {
	case f.ReLU && f.PoolK > 0:
		name = "Conv2dReLUMaxPool"
	case f.ReLU:
		name = "Conv2dReLU"
	case f.PoolK > 0:
		name = "Conv2dMaxPool"
	}
	out := t.newVar(name, c.outShape()...)
	// The pooling argmax is kept only for backward.
	var arg []int32
	if c.poolK > 0 && t.grad && (x.needsGrad || w.needsGrad || (b != nil && b.needsGrad)) {
		arg = t.scratchInt32(out.Value.Numel())
	}
	var cols []float32
	if convStoreCols && t.grad && w.needsGrad {
		cols = t.scratch(c.n * c.groups * c.kg * c.p)
	}
	c.forward(t, out.Value.Data, arg, cols)
	t.record(out, func(g []float32) { c.backward(t, g, out.Value.Data, arg, cols) }, present(x, w, b)...)
	return out
}

// convStoreCols keeps the forward's column matrices (N*OH*OW*C/groups*KH*KW
// floats) for the weight gradient instead of unfolding the input again in
// backward. Off: with the assembly im2col, unfolding a chunk into cache costs
// less than the DRAM traffic of writing and re-reading the whole batch's
// columns (W1: 84 MB per step).
var convStoreCols = false

// convChunkFloats is the target size, in floats, of one part's column matrix: a
// chunk of images is as many as fit (at least one), so that im2col, the product
// and the epilogue of a chunk run out of the core's cache.
var convChunkFloats = 1 << 17

// convPlan is one convolution call's shapes and operands.
type convPlan struct {
	x, w, b      *Var
	n, c, o      int
	groups       int
	cg, og, kg   int // per group: input channels, outputs, column-matrix rows
	g            kernels.ConvGeom
	p            int // output pixels per plane, OH*OW
	relu         bool
	poolK, poolS int
	ph, pw       int // pooled plane
	nb           int // images per chunk
	chunks       int
	parts        int
}

func newConvPlan(x, w, b *Var, stride, pad, groups int, f ConvFuse) *convPlan {
	xs, ws := x.Shape(), w.Shape()
	if len(xs) != 4 || len(ws) != 4 {
		panic(fmt.Sprintf("ag: Conv2d needs x (N,C,H,W) and w (O,C/groups,KH,KW), got %v and %v", xs, ws))
	}
	if groups < 1 || xs[1]%groups != 0 || ws[0]%groups != 0 || ws[1] != xs[1]/groups {
		panic(fmt.Sprintf("ag: Conv2d: x %v and w %v do not match with groups=%d", xs, ws, groups))
	}
	if b != nil && (b.Value.Dims() != 1 || b.Shape()[0] != ws[0]) {
		panic(fmt.Sprintf("ag: Conv2d: bias %v for weights %v", b.Shape(), ws))
	}
	if stride < 1 || pad < 0 {
		panic(fmt.Sprintf("ag: Conv2d: stride %d pad %d", stride, pad))
	}
	c := &convPlan{x: x, w: w, b: b, n: xs[0], c: xs[1], o: ws[0], groups: groups,
		cg: ws[1], og: ws[0] / groups, relu: f.ReLU}
	c.g = kernels.NewConvGeom(c.cg, xs[2], xs[3], ws[2], ws[3], stride, pad)
	c.kg = c.g.Rows()
	c.p = c.g.Pixels()
	if f.PoolK > 0 {
		c.poolK, c.poolS = f.PoolK, f.PoolStride
		if c.poolS == 0 {
			c.poolS = f.PoolK
		}
		c.ph, c.pw = kernels.PoolOut(c.g.OH, c.poolK, c.poolS), kernels.PoolOut(c.g.OW, c.poolK, c.poolS)
	}
	per := (c.kg + c.o) * c.p
	c.nb = max(1, min(c.n, convChunkFloats/max(per, 1)))
	c.chunks = (c.n + c.nb - 1) / c.nb
	c.parts = numParts(c.chunks, 1)
	return c
}

func (c *convPlan) outShape() []int {
	if c.poolK > 0 {
		return []int{c.n, c.o, c.ph, c.pw}
	}
	return []int{c.n, c.o, c.g.OH, c.g.OW}
}

// outPlane is the size of one output plane (pooled when pooling is fused).
func (c *convPlan) outPlane() int {
	if c.poolK > 0 {
		return c.ph * c.pw
	}
	return c.p
}

// chunkRange returns the images [n0, n1) of chunk ch.
func (c *convPlan) chunkRange(ch int) (n0, n1 int) {
	return ch * c.nb, min((ch+1)*c.nb, c.n)
}

// im2col unfolds group gr of images [n0, n1) side by side into col (kg, L).
func (c *convPlan) im2col(col []float32, n0, n1, gr int) {
	xd := c.x.Value.Data
	chw := c.c * c.g.H * c.g.W
	l := (n1 - n0) * c.p
	for i := n0; i < n1; i++ {
		kernels.Im2col(col[(i-n0)*c.p:], l, xd[i*chw+gr*c.cg*c.g.H*c.g.W:], c.g)
	}
}

// colsOf returns chunk [n0, n1)'s column matrices (one per group, (kg, L)
// each) within the stored cols of the whole batch.
func (c *convPlan) colsOf(cols []float32, n0, n1 int) []float32 {
	return cols[n0*c.groups*c.kg*c.p : n1*c.groups*c.kg*c.p]
}

// forward computes the output into out; arg receives the pooling argmax and
// cols, when not nil, every chunk's column matrices for backward.
//
// The product is taken pixel-major, y (images*OH*OW, O) = col^T x W^T, rather
// than W x col: the sgemm reads the transposed column matrix in place, without
// packing it, and the 32-wide register tile spans the outputs exactly
// (measured on W1's conv2 chunks: 160-180 against 100-110 GFLOP per CPU-second).
// The epilogue then pools and moves the pixel-major product to NCHW.
func (c *convPlan) forward(t *Tape, out []float32, arg []int32, cols []float32) {
	l := c.nb * c.p
	colSize, ySize := c.kg*l, c.o*l
	if cols != nil {
		colSize = 0
	}
	// Per part: the column matrix, the product, and the epilogue's buffer for
	// one image (its pooled map and argmax, or its channel-major planes).
	eSize := 2 * c.o * c.p
	per := colSize + ySize + eSize
	buf := t.scratch(c.parts*per + c.o)
	bias := buf[c.parts*per:]
	if c.b != nil {
		copy(bias, c.b.Value.Data)
	} else {
		clear(bias)
	}
	wd := c.w.Value.Data
	runParts(c.parts, c.chunks, func(part, lo, hi int) {
		pb := buf[part*per : (part+1)*per]
		col, y, e := pb[:colSize], pb[colSize:colSize+ySize], pb[colSize+ySize:]
		for ch := lo; ch < hi; ch++ {
			n0, n1 := c.chunkRange(ch)
			l := (n1 - n0) * c.p
			for gr := 0; gr < c.groups; gr++ {
				if cols != nil {
					col = c.colsOf(cols, n0, n1)[gr*c.kg*l:]
				}
				c.im2col(col, n0, n1, gr)
				kernels.Sgemm(true, true, l, c.og, c.kg, 1, col, l, wd[gr*c.og*c.kg:], c.kg, 0, y[gr*c.og:], c.o)
			}
			for i := n0; i < n1; i++ {
				c.epilogue(out, arg, y[(i-n0)*c.p*c.o:][:c.p*c.o], e, bias, i)
			}
		}
	})
}

// epilogue moves image i's pixel-major product y (OH*OW, O) into the NCHW output,
// adding the bias and applying the fused ReLU and pooling; e is scratch of
// 2*O*OH*OW floats.
func (c *convPlan) epilogue(out []float32, arg []int32, y, e, bias []float32, i int) {
	op := c.outPlane()
	o := c.o
	dst := out[i*o*op : (i+1)*o*op]
	switch {
	case c.poolK == 2 && c.poolS == 2:
		// Pool 16 channels at a time on the pixel-major map, then transpose the
		// (4x smaller) pooled map and its argmax to channel-major.
		py := e[:op*o]
		pa := asInt32(e[op*o : 2*op*o])
		kernels.MaxPool2x2Rows(py, pa, y, o, o, c.g.OH, c.g.OW, bias, c.relu)
		transpose(dst, py, op, o)
		if arg != nil {
			transposeInt32(arg[i*o*op:(i+1)*o*op], pa, op, o)
		}
	case c.poolK > 0:
		planes := e[:o*c.p]
		transpose(planes, y, c.p, o)
		pa := asInt32(e[o*c.p : o*c.p+o*op]) // argmax sink when none is kept
		if arg != nil {
			pa = arg[i*o*op : (i+1)*o*op]
		}
		for ch := 0; ch < o; ch++ {
			kernels.MaxPoolPlaneBias(dst[ch*op:(ch+1)*op], pa[ch*op:(ch+1)*op], planes[ch*c.p:(ch+1)*c.p],
				c.g.OH, c.g.OW, c.poolK, c.poolS, bias[ch], c.relu)
		}
	default:
		transposeBias(dst, y, c.p, o, bias, c.relu)
	}
}

// backward accumulates the gradients of x, w and b from the output gradient g;
// out is the forward's output, arg its pooling argmax and cols its stored
// column matrices (nil when w needs no gradient).
func (c *convPlan) backward(t *Tape, g, out []float32, arg []int32, cols []float32) {
	l := c.nb * c.p
	wk := c.o * c.kg // weights, all groups
	colSize, gSize := c.kg*l, c.o*l
	per := colSize + gSize + wk + c.o
	buf := t.scratch(c.parts * per)
	needW, needX, needB := c.w.needsGrad, c.x.needsGrad, c.b != nil && c.b.needsGrad
	var dx []float32
	if needX {
		dx = t.gradOf(c.x)
	}
	wd := c.w.Value.Data
	chw := c.c * c.g.H * c.g.W
	runParts(c.parts, c.chunks, func(part, lo, hi int) {
		pb := buf[part*per:][:per]
		dcol, gb := pb[:colSize], pb[colSize:colSize+gSize]
		dw, db := pb[colSize+gSize:][:wk], pb[colSize+gSize+wk:][:c.o]
		clear(dw)
		clear(db)
		for ch := lo; ch < hi; ch++ {
			n0, n1 := c.chunkRange(ch)
			l := (n1 - n0) * c.p
			c.gatherGrad(gb, db, g, out, arg, n0, n1)
			for gr := 0; gr < c.groups; gr++ {
				gg := gb[gr*c.og*l:]
				if needW {
					col := dcol
					if cols != nil {
						col = c.colsOf(cols, n0, n1)[gr*c.kg*l:]
					} else {
						c.im2col(col, n0, n1, gr)
					}
					c.weightGrad(dw[gr*c.og*c.kg:], col, gg, l)
				}
				if needX {
					kernels.Sgemm(true, false, c.kg, l, c.og, 1, wd[gr*c.og*c.kg:], c.kg, gg, l, 0, dcol, l)
					for i := n0; i < n1; i++ {
						kernels.Col2im(dx[i*chw+gr*c.cg*c.g.H*c.g.W:], dcol[(i-n0)*c.p:], l, c.g)
					}
				}
			}
		}
	})
	if needW {
		dW := t.gradOf(c.w)
		for part := 0; part < c.parts; part++ {
			dw := buf[part*per+colSize+gSize:][:wk]
			for gr := 0; gr < c.groups; gr++ {
				src, dst := dw[gr*c.og*c.kg:], dW[gr*c.og*c.kg:]
				for k := 0; k < c.kg; k++ {
					for o := 0; o < c.og; o++ {
						dst[o*c.kg+k] += src[k*c.og+o]
					}
				}
			}
		}
	}
	if needB {
		dB := t.gradOf(c.b)
		for part := 0; part < c.parts; part++ {
			for o, v := range buf[part*per+colSize+gSize+wk:][:c.o] {
				dB[o] += v
			}
		}
	}
}

// gatherGrad builds chunk [n0, n1)'s gradient of the convolution product, gb
// (O, images*OH*OW), from the output gradient g: through the fused pooling (to
// the argmax positions) and ReLU (where the output is positive). It adds the
// bias gradient into db.
func (c *convPlan) gatherGrad(gb, db, g, out []float32, arg []int32, n0, n1 int) {
	l := (n1 - n0) * c.p
	op := c.outPlane()
	for i := n0; i < n1; i++ {
		for o := 0; o < c.o; o++ {
			gi := g[(i*c.o+o)*op:][:op]
			yi := out[(i*c.o+o)*op:][:op]
			dst := gb[o*l+(i-n0)*c.p:][:c.p]
			var s float32
			switch {
			case c.poolK > 0:
				s = kernels.MaxPoolPlaneGrad(dst, gi, yi, arg[(i*c.o+o)*op:][:op], c.g.OH, c.g.OW, c.poolK, c.poolS, c.relu)
			case c.relu:
				s = reluMaskCopy(dst, gi, yi)
			default:
				copy(dst, gi)
				for _, v := range gi {
					s += v
				}
			}
			db[o] += s
		}
	}
}

// convDotRows is the largest number of column rows (C/groups*KH*KW) for which
// the weight gradient is taken as kg*og dot products rather than one sgemm.
var convDotRows = 16

// weightGrad adds one chunk's weight gradient of a group, transposed, into dw
// (kg, og): dw += col (kg, L) x g^T, g (og, L). With few column rows (a first
// layer: kg = KH*KW) the product is a handful of very long dot products, which
// the dot kernel does straight from the two matrices; the sgemm would pack all
// of g (transposed) for a product with a tiny output. Otherwise the transposed
// product keeps the sgemm's register tile full (kg a multiple of 12, og of 32)
// where (og, kg) would waste part of it.
func (c *convPlan) weightGrad(dw, col, g []float32, l int) {
	if c.kg > convDotRows {
		kernels.Sgemm(false, true, c.kg, c.og, l, 1, col, l, g, l, 1, dw, c.og)
		return
	}
	for k := 0; k < c.kg; k++ {
		ck := col[k*l : (k+1)*l]
		for o := 0; o < c.og; o++ {
			dw[k*c.og+o] += kernels.Dot(ck, g[o*l:(o+1)*l])
		}
	}
}

// reluMaskCopy sets dst[j] = g[j] where y[j] > 0 and 0 elsewhere (the gradient
// through a ReLU with output y), returning the sum of what it kept. The mask is
// built from y's bits without a branch: ReLU outputs are positive or a zero of
// either sign (or NaN, which passes), and a coin-toss branch per element costs
// more than the copy.
func reluMaskCopy(dst, g, y []float32) float32 {
	dst, y = dst[:len(g)], y[:len(g)]
	var s float32
	for j, v := range g {
		yb := int32(math.Float32bits(y[j]))
		m := uint32((-yb & ^yb) >> 31) // all ones iff yb > 0 as an integer: y > 0
		k := math.Float32frombits(math.Float32bits(v) & m)
		dst[j] = k
		s += k
	}
	return s
}
