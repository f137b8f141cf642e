package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/nn"
)

// Batch is one training step's input.
type Batch struct {
	// X holds every view of every example, view-major: (V*B, C, H, W) with rows
	// v*B..v*B+B-1 the view v of the B examples. For pair methods view 0 is the
	// first element of each pair and view 1 the second.
	X *ag.Var
	// V is the number of views and B the number of examples (or pairs).
	V, B int
	// Labels are the B examples' classes (for pair methods, of the first elements).
	Labels []int
	// Similar says, for pair methods, whether pair i shares a class.
	Similar []bool
}

// Learner is one method: the networks it trains and the loss of a batch.
type Learner interface {
	// Loss records the forward pass of b on t and returns the scalar loss.
	Loss(t *ag.Tape, b *Batch) *ag.Var
	// Encoder is the network whose output is the representation that is
	// evaluated and served (before any projection head).
	Encoder() nn.Module
	// Net holds every module of the method with its parameters and buffers
	// (encoder, heads, target networks, queues), for checkpoints.
	Net() nn.Module
	// Trainable returns the parameters the optimizer updates.
	Trainable() []*ag.Var
	// AfterStep runs after each optimizer step (EMA targets, queues), given the
	// fraction of training done.
	AfterStep(progress float64)
	// Sampling says how examples are grouped into batches and how many views each gives.
	Sampling() Sampling
}

// SamplerKind says how a method draws its batches.
type SamplerKind int

// The samplers.
const (
	// SampleRandom draws examples uniformly without replacement each epoch.
	SampleRandom SamplerKind = iota
	// SampleMPerClass draws m examples from each of k classes (metric learning).
	SampleMPerClass
	// SamplePairs draws balanced positive/negative pairs (Siamese networks).
	SamplePairs
)

// Sampling is a method's batch layout.
type Sampling struct {
	Kind  SamplerKind
	Views int // augmented views per example
}

// learnerParts are what every method gets to build from.
type learnerParts struct {
	cfg     Config
	in      Shape
	classes int
	rng     *rand.Rand
}

// NewLearner builds the method of cfg for inputs of shape in.
func NewLearner(cfg Config, in Shape, classes int, seed uint64) (Learner, error) {
	p := learnerParts{cfg: cfg, in: in, classes: classes, rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	switch cfg.Method {
	case SimCLR:
		return newSimCLR(p)
	case SupCon:
		return newSupConLearner(p)
	case MoCo:
		return newMoCo(p)
	case BYOL:
		return newBYOL(p)
	case SimSiam:
		return newSimSiam(p)
	case Barlow:
		return newBarlow(p)
	case VICReg:
		return newVICReg(p)
	case Triplet:
		return newTripletLearner(p)
	case Siamese:
		return newSiamese(p)
	}
	return nil, fmt.Errorf("train: unknown method %v", cfg.Method)
}

// newSampler returns the data sampler of a method's Sampling for the labels.
func newSampler(s Sampling, cfg Config, labels []int, seed uint64) (data.Sampler, error) {
	switch s.Kind {
	case SampleMPerClass:
		m := max(2, cfg.Loss.PerClass)
		classes := 0
		for _, l := range labels {
			classes = max(classes, l+1)
		}
		k := max(2, min(classes, cfg.Batch/m))
		return data.NewMPerClass(labels, m, k, seed)
	case SamplePairs:
		return data.NewBalancedPairs(labels, max(1, cfg.Batch/2), seed)
	}
	return data.NewRandom(len(labels), cfg.Batch, true, seed)
}

// encoderWithHead is the common shape: an encoder and a projection head.
type encoderWithHead struct {
	nn.Tree
	enc  nn.Module
	head nn.Module // nil: the embedding is the encoder's output
}

func newEncoderWithHead(p learnerParts, headBN bool) (*encoderWithHead, int, error) {
	e := &encoderWithHead{}
	enc, dim, err := NewEncoder(p.cfg.Encoder, p.in, p.rng)
	if err != nil {
		return nil, 0, err
	}
	e.enc = nn.Add(&e.Tree, "encoder", enc)
	h := p.cfg.Head
	if h.ProjDim > 0 {
		hidden := h.ProjHidden
		if h.Linear {
			hidden = 0
		}
		head, err := NewMLPHead(dim, hidden, h.ProjDim, headBN, p.rng)
		if err != nil {
			return nil, 0, err
		}
		e.head = nn.Add(&e.Tree, "projector", head)
		dim = h.ProjDim
	}
	return e, dim, nil
}

// Forward returns the projection (or the features when there is no head).
func (e *encoderWithHead) Forward(t *ag.Tape, x *ag.Var) *ag.Var {
	z := e.enc.Forward(t, x)
	if e.head != nil {
		z = e.head.Forward(t, z)
	}
	return z
}
