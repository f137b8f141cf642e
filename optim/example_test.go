package optim_test

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
)

// Minimise (w - 3)² with Nesterov SGD under a warm-up and cosine schedule.
func Example() {
	w := ag.Param("w", tensor.FromSlice([]float32{0}, 1))
	target := ag.Const(tensor.FromSlice([]float32{3}, 1))
	opt, err := optim.NewSGD([]*ag.Var{w}, optim.SGDConfig{LR: 0.1, Momentum: 0.9, Nesterov: true})
	if err != nil {
		panic(err)
	}
	sched, err := optim.NewWarmupCosine(0.1, 0.001, 5, 100)
	if err != nil {
		panic(err)
	}
	tape := ag.NewTape(true)
	for step := range 100 {
		tape.Reset()
		d := tape.Sub(w, target)
		loss := tape.Sum(tape.Mul(d, d), false)
		opt.ZeroGrad()
		tape.Backward(loss)
		opt.SetLR(sched.LR(step))
		opt.Step()
	}
	fmt.Printf("w = %.3f after %d steps (%v schedule)\n", w.Value.Data[0], opt.Steps(), sched.Kind())
	// Output: w = 3.000 after 100 steps (warmup-cosine schedule)
}
