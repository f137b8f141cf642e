package bench

import (
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/distance"
	"github.com/contrast-ml/contrast/loss"
	"github.com/contrast-ml/contrast/miner"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
	"github.com/contrast-ml/contrast/train"
)

// Images is the benchmark data: N x 1 x 28 x 28 bytes.
type Images struct {
	Pix    []uint8
	N      int
	Source string
}

// LoadImages returns MNIST's training images when they can be found, else
// 60,000 seeded random images of the same shape, as the reference does.
func LoadImages(synthetic bool) Images {
	if !synthetic {
		if set, err := data.MNIST(); err == nil {
			if im, err := set.Images("train"); err == nil {
				dir, _ := data.MNISTDir()
				return Images{Pix: im.Pix, N: im.N, Source: "mnist:" + dir}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1234, 0))
	pix := make([]uint8, 60000*784)
	for i := range pix {
		pix[i] = uint8(rng.UintN(256))
	}
	return Images{Pix: pix, N: 60000, Source: "synthetic uint8 60000x1x28x28"}
}

// batchFloat fills dst with images idx scaled to [0, 1].
func (im Images) batchFloat(dst []float32, idx []int) {
	for b, i := range idx {
		augment.ToFloat(dst[b*784:(b+1)*784], im.Pix[i*784:(i+1)*784])
	}
}

func newOptimizer(kind string, params []*ag.Var) optim.Optimizer {
	if kind == "adam" {
		a := optim.DefaultAdam()
		a.LR = 1e-3
		return nn.Must(optim.NewAdam(params, a))
	}
	return nn.Must(optim.NewSGD(params, optim.SGDConfig{LR: 0.05, Momentum: 0.9}))
}

// w1Nets is the W1 encoder and projection head, as in train.
func w1Nets(seed uint64) (enc, head nn.Module) {
	rng := tensor.NewRNG(seed)
	enc = encoder(train.NewEncoder(train.EncoderConfig{Kind: train.EncoderW1, Dim: 128}, train.Shape{C: 1, H: 28, W: 28}, rng))
	head = nn.Must(train.NewMLPHead(128, 128, 64, false, rng))
	return nn.Prefix("encoder", enc), nn.Prefix("head", head)
}

// W1 is SimCLR on the W1 ConvNet: 256 images -> 512 views per step (crop after
// 4-pixel zero padding, Gaussian noise 0.1), NT-Xent with T = 0.5.
type W1 struct {
	im        Images
	enc, head nn.Module
	opt       optim.Optimizer
	loss      loss.NTXent
	tape      *ag.Tape
	views     *augment.Batch
	x         []float32
	rng       *rand.Rand
	idx       []int
	step      uint64
}

// NewW1 builds the workload.
func NewW1(im Images, optKind string) *W1 {
	w := &W1{im: im, tape: ag.NewTape(true), x: make([]float32, 512*784), rng: rand.New(rand.NewPCG(7, 0)), idx: make([]int, 256)}
	w.enc, w.head = w1Nets(1)
	params := append(append([]*ag.Var(nil), w.enc.Params()...), w.head.Params()...)
	w.opt = newOptimizer(optKind, params)
	w.loss = nn.Must(loss.NewNTXent(0.5))
	view := nn.Must(augment.NewCompose(nn.Must(augment.NewPadCrop(4)), nn.Must(augment.NewGaussianNoise(0.1, false))))
	w.views = nn.Must(augment.NewBatch(nn.Must(augment.NewTwoViews(view, view)), 0))
	return w
}

// Augment makes the 512 views of 256 random images.
func (w *W1) Augment() {
	for i := range w.idx {
		w.idx[i] = w.rng.IntN(w.im.N)
	}
	w.step++
	w.views.Uint8(w.step, [][]float32{w.x[:256*784], w.x[256*784:]}, w.im.Pix, augment.Shape{C: 1, H: 28, W: 28}, w.idx)
}

// Model runs forward, backward and the optimizer step on the current views.
func (w *W1) Model() float32 {
	t := w.tape
	t.Reset()
	x := ag.Const(tensor.FromSlice(w.x, 512, 1, 28, 28))
	l := w.loss.Forward(t, w.head.Forward(t, w.enc.Forward(t, x)))
	t.Backward(l)
	w.opt.Step()
	w.opt.ZeroGrad()
	return l.Item()
}

// Both is one end-to-end step.
func (w *W1) Both() { w.Augment(); w.Model() }

// MLP is the 784-256-128 network of W2 and W3.
func mlp(seed uint64) nn.Module {
	enc := encoder(train.NewEncoder(train.EncoderConfig{Kind: train.EncoderMLP, Hidden: []int{256}, Dim: 128}, train.Shape{C: 784, H: 1, W: 1}, tensor.NewRNG(seed)))
	return enc
}

// W2 is batch-hard triplet loss (margin 0.2) on L2-normalised MLP embeddings,
// batch 256 = 16 classes x 16 images.
type W2 struct {
	im     Images
	net    nn.Module
	opt    optim.Optimizer
	loss   loss.Triplet
	tape   *ag.Tape
	x      []float32
	labels []int
	idx    []int
	rng    *rand.Rand
}

// NewW2 builds the workload.
func NewW2(im Images, optKind string) *W2 {
	w := &W2{im: im, net: mlp(2), tape: ag.NewTape(true), x: make([]float32, 256*784), rng: rand.New(rand.NewPCG(8, 0)), idx: make([]int, 256)}
	w.opt = newOptimizer(optKind, w.net.Params())
	w.loss = nn.Must(loss.NewTriplet(0.2, false, distance.Euclidean{}, miner.BatchHard{}, loss.Mean))
	for i := range 256 {
		w.labels = append(w.labels, i/16)
	}
	return w
}

// Step is one training step.
func (w *W2) Step() {
	for i := range w.idx {
		w.idx[i] = w.rng.IntN(w.im.N)
	}
	w.im.batchFloat(w.x, w.idx)
	t := w.tape
	t.Reset()
	e := t.L2Normalize(w.net.Forward(t, ag.Const(tensor.FromSlice(w.x, 256, 784))), 1e-12)
	t.Backward(w.loss.Forward(t, e, w.labels))
	w.opt.Step()
	w.opt.ZeroGrad()
}

// W3 is the Siamese MLP with Hadsell's contrastive loss (margin 1): 256 pairs,
// 512 images through the one network per step.
type W3 struct {
	im      Images
	net     nn.Module
	opt     optim.Optimizer
	loss    loss.Contrastive
	tape    *ag.Tape
	x       []float32
	similar []bool
	idx     []int
	rng     *rand.Rand
}

// NewW3 builds the workload.
func NewW3(im Images, optKind string) *W3 {
	w := &W3{im: im, net: mlp(3), tape: ag.NewTape(true), x: make([]float32, 512*784), rng: rand.New(rand.NewPCG(9, 0)), idx: make([]int, 512), similar: make([]bool, 256)}
	w.opt = newOptimizer(optKind, w.net.Params())
	w.loss = nn.Must(loss.NewContrastive(1, distance.Euclidean{}, loss.Mean))
	return w
}

// Step is one training step.
func (w *W3) Step() {
	for i := range w.idx {
		w.idx[i] = w.rng.IntN(w.im.N)
	}
	for i := range w.similar {
		w.similar[i] = w.rng.Float32() < 0.5
	}
	w.im.batchFloat(w.x, w.idx)
	t := w.tape
	t.Reset()
	e := w.net.Forward(t, ag.Const(tensor.FromSlice(w.x, 512, 784)))
	parts := t.Split(e, 0, 256, 256)
	t.Backward(w.loss.ForwardPairs(t, parts[0], parts[1], w.similar))
	w.opt.Step()
	w.opt.ZeroGrad()
}

// W4 is inference of the W1 encoder on a batch of 1024 images.
type W4 struct {
	enc  nn.Module
	tape *ag.Tape
	x    *ag.Var
}

// NewW4 builds the workload.
func NewW4(im Images) *W4 {
	enc, _ := w1Nets(4)
	enc.SetTraining(false)
	w := &W4{enc: enc, tape: ag.NewTape(false)}
	rng := rand.New(rand.NewPCG(10, 0))
	idx := make([]int, 1024)
	for i := range idx {
		idx[i] = rng.IntN(im.N)
	}
	x := make([]float32, 1024*784)
	im.batchFloat(x, idx)
	w.x = ag.Const(tensor.FromSlice(x, 1024, 1, 28, 28))
	return w
}

// Step is one forward pass.
func (w *W4) Step() {
	w.tape.Reset()
	w.enc.Forward(w.tape, w.x)
}

// encoder unwraps train.NewEncoder for architectures fixed in code.
func encoder(m nn.Module, _ int, err error) nn.Module {
	if err != nil {
		panic(err)
	}
	return m
}
