package nn_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/nn"
	"github.com/contrast-ml/contrast/tensor"
)

// Build the W1 encoder with PyTorch's names, run a batch through it and count
// its parameters.
func Example() {
	rng := tensor.NewRNG(1)
	enc := nn.Prefix("encoder", nn.NewSequential(
		nn.Must(nn.NewConv2d(nn.Conv2dConfig{In: 1, Out: 32, Kernel: 3}, rng)), nn.ReLU{}, nn.Must(nn.NewMaxPool2d(2, 0)),
		nn.Must(nn.NewConv2d(nn.Conv2dConfig{In: 32, Out: 64, Kernel: 3}, rng)), nn.ReLU{}, nn.Must(nn.NewMaxPool2d(2, 0)),
		nn.Flatten{}, nn.Must(nn.NewLinear(1600, 128, true, rng))))
	x := ag.Const(tensor.New(8, 1, 28, 28))
	y := enc.Forward(ag.NewTape(false), x)
	fmt.Println(y.Shape(), nn.ParamCount(enc))
	for _, p := range enc.Params() {
		fmt.Println(p.Name, p.Shape())
	}
	// Output:
	// [8 128] 223744
	// encoder.0.weight [32 1 3 3]
	// encoder.0.bias [32]
	// encoder.3.weight [64 32 3 3]
	// encoder.3.bias [64]
	// encoder.7.weight [128 1600]
	// encoder.7.bias [128]
}
