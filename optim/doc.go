// Package optim updates the parameters of a model (ag.Param Vars) from their
// accumulated gradients: SGD with momentum and Nesterov, Adam, AdamW and LARS, and
// the learning-rate schedules used by contrastive methods.
//
// # Optimizers
//
// Every optimizer implements Optimizer: Step applies one update from the current
// gradients (it does not zero them: call ZeroGrad before the next backward pass),
// SetLR changes the learning rate (a trainer sets it from a Schedule before each
// Step), and State/LoadState capture everything needed for a bit-exact resume:
// the step count and the per-parameter buffers (momentum, first and second
// moments), keyed by parameter name, e.g. "encoder.0.weight.exp_avg".
//
//   - SGD: PyTorch's torch.optim.SGD, with momentum, dampening, Nesterov momentum
//     (Sutskever et al. 2013) and L2 weight decay, in PyTorch's update order.
//   - Adam: Kingma & Ba 2014, arXiv 1412.6980, as torch.optim.Adam (bias
//     correction, eps added outside the square root, L2 weight decay added to the
//     gradient).
//   - AdamW: Loshchilov & Hutter 2017, arXiv 1711.05101, as torch.optim.AdamW
//     (decoupled weight decay: p *= 1 - lr*wd before the Adam step).
//   - LARS: You et al. 2017, arXiv 1708.03888, as in SimCLR's implementation
//     (Chen et al. 2020, arXiv 2002.05709): per-layer trust ratio
//     eta*||w||/||g + wd*w|| with eta = 0.001, momentum applied to the scaled
//     update, and biases and normalisation parameters excluded from both the
//     adaptation and the weight decay.
//
// Hyper-parameters are float64; as in PyTorch, the per-step scalars (bias
// corrections, 1-beta, lr*wd) are computed in float64 and rounded once to float32,
// and the element-wise arithmetic runs in float32 in PyTorch's operation order,
// with every a + α·b rounded once (a fused multiply-add), as PyTorch's CPU kernels
// compute it. The tests replay trajectories recorded from PyTorch 1.13
// (testdata/golden.py, committed with its output) and match them bit for bit.
//
// # Weight-decay exclusion
//
// Instead of PyTorch's parameter groups, each optimizer takes an Exclude
// predicate: parameters for which it returns true get no weight decay (and, for
// LARS, no trust-ratio adaptation). ExcludeBiasAndNorm (every parameter with at
// most one dimension: biases, BatchNorm and LayerNorm scales and shifts) and
// ExcludeNames (by name substring) cover the usual choices.
//
// # Schedules
//
// A Schedule maps a zero-based step to a learning rate: Constant, WarmupCosine
// (linear warm-up, then a half cosine down to a floor; SimCLR, BYOL, MoCo v3) and
// StepDecay (torch.optim.lr_scheduler.StepLR). Schedules are pure functions of the
// step, so resuming only needs the optimizer's step count.
//
// # Performance
//
// Step allocates nothing in steady state. Parameters are cut into fixed-size
// chunks at construction; when the model is large the chunks are updated in
// parallel with kernels.Parallel. Chunk boundaries do not depend on the number of
// cores, and LARS sums its norms per chunk in a fixed order, so results are the
// same on every machine.
package optim
