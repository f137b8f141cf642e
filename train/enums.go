package train

import "github.com/contrast-ml/contrast/internal/enum"

// Method names a contrastive learning method.
type Method int

// The methods.
const (
	SimCLR Method = iota
	SupCon
	MoCo
	BYOL
	SimSiam
	Barlow
	VICReg
	Triplet
	Siamese
)

var methodNames = enum.Table{Type: "Method", What: "method", Names: []string{"simclr", "supcon", "moco", "byol", "simsiam", "barlow", "vicreg", "triplet", "siamese"}}

func (m Method) String() string { return methodNames.String(int(m)) }

// MarshalText writes the method's name.
func (m Method) MarshalText() ([]byte, error) { return methodNames.Marshal(int(m)) }

// UnmarshalText parses a method name.
func (m *Method) UnmarshalText(b []byte) error { return methodNames.Parse(b, (*int)(m)) }

// EncoderKind names an encoder architecture.
type EncoderKind int

// The encoders.
const (
	// EncoderW1 is the small ConvNet of the W1 benchmark: Conv(32,3)+ReLU+MaxPool2,
	// Conv(64,3)+ReLU+MaxPool2, Flatten, Linear(1600 for 28x28, 128)+ReLU.
	EncoderW1 EncoderKind = iota
	// EncoderMLP is a multi-layer perceptron on flattened inputs.
	EncoderMLP
	// EncoderResNet is a small ResNet with a CIFAR-style 3x3 stem (He et al. 2016).
	EncoderResNet
)

var encoderNames = enum.Table{Type: "EncoderKind", What: "encoder", Names: []string{"w1", "mlp", "resnet"}}

func (e EncoderKind) String() string { return encoderNames.String(int(e)) }

// MarshalText writes the encoder's name.
func (e EncoderKind) MarshalText() ([]byte, error) { return encoderNames.Marshal(int(e)) }

// UnmarshalText parses an encoder name.
func (e *EncoderKind) UnmarshalText(b []byte) error {
	return encoderNames.Parse(b, (*int)(e))
}

// OptimKind names an optimizer.
type OptimKind int

// The optimizers.
const (
	OptimAdam OptimKind = iota
	OptimAdamW
	OptimSGD
	OptimLARS
)

var optimNames = enum.Table{Type: "OptimKind", What: "optimizer", Names: []string{"adam", "adamw", "sgd", "lars"}}

func (o OptimKind) String() string { return optimNames.String(int(o)) }

// MarshalText writes the optimizer's name.
func (o OptimKind) MarshalText() ([]byte, error) { return optimNames.Marshal(int(o)) }

// UnmarshalText parses an optimizer name.
func (o *OptimKind) UnmarshalText(b []byte) error {
	return optimNames.Parse(b, (*int)(o))
}

// MinerKind names a triplet miner.
type MinerKind int

// The miners.
const (
	MinerSemiHard MinerKind = iota
	MinerBatchHard
	MinerBatchAll
	MinerDistanceWeighted
)

var minerNames = enum.Table{Type: "MinerKind", What: "miner", Names: []string{"semi-hard", "batch-hard", "batch-all", "distance-weighted"}}

func (m MinerKind) String() string { return minerNames.String(int(m)) }

// MarshalText writes the miner's name.
func (m MinerKind) MarshalText() ([]byte, error) { return minerNames.Marshal(int(m)) }

// UnmarshalText parses a miner name.
func (m *MinerKind) UnmarshalText(b []byte) error {
	return minerNames.Parse(b, (*int)(m))
}
