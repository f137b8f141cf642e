package train

import "fmt"

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

var methodNames = []string{"simclr", "supcon", "moco", "byol", "simsiam", "barlow", "vicreg", "triplet", "siamese"}

func (m Method) String() string { return enumString(methodNames, int(m), "Method") }

// MarshalText writes the method's name.
func (m Method) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a method name.
func (m *Method) UnmarshalText(b []byte) error { return enumParse(methodNames, "method", b, (*int)(m)) }

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

var encoderNames = []string{"w1", "mlp", "resnet"}

func (e EncoderKind) String() string { return enumString(encoderNames, int(e), "EncoderKind") }

// MarshalText writes the encoder's name.
func (e EncoderKind) MarshalText() ([]byte, error) { return []byte(e.String()), nil }

// UnmarshalText parses an encoder name.
func (e *EncoderKind) UnmarshalText(b []byte) error {
	return enumParse(encoderNames, "encoder", b, (*int)(e))
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

var optimNames = []string{"adam", "adamw", "sgd", "lars"}

func (o OptimKind) String() string { return enumString(optimNames, int(o), "OptimKind") }

// MarshalText writes the optimizer's name.
func (o OptimKind) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// UnmarshalText parses an optimizer name.
func (o *OptimKind) UnmarshalText(b []byte) error {
	return enumParse(optimNames, "optimizer", b, (*int)(o))
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

var minerNames = []string{"semi-hard", "batch-hard", "batch-all", "distance-weighted"}

func (m MinerKind) String() string { return enumString(minerNames, int(m), "MinerKind") }

// MarshalText writes the miner's name.
func (m MinerKind) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText parses a miner name.
func (m *MinerKind) UnmarshalText(b []byte) error {
	return enumParse(minerNames, "miner", b, (*int)(m))
}

func enumString(names []string, i int, typ string) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

func enumParse(names []string, what string, b []byte, dst *int) error {
	for i, n := range names {
		if n == string(b) {
			*dst = i
			return nil
		}
	}
	return fmt.Errorf("unknown %s %q (want one of %v)", what, b, names)
}
