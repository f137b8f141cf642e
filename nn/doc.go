// Package nn holds the layers that contrast's encoders and heads are built from,
// as modules over package ag's tape: Linear, Conv2d, MaxPool2d, AvgPool2d,
// GlobalAvgPool, BatchNorm1d/2d, LayerNorm, Embedding, Dropout, the activations
// (ReLU, LeakyReLU, GELU, Tanh, Sigmoid), Flatten and Sequential, plus
// checkpointing (safetensors) and the parameter utilities of momentum encoders.
//
// # Modules
//
// A Module runs its forward pass on a tape (Forward(t, x)), lists its trainable
// parameters (Params) and its non-trainable state (Buffers, e.g. BatchNorm's
// running statistics), and switches between training and evaluation behaviour
// (SetTraining: Dropout and BatchNorm differ). Modules start in training mode, as
// in PyTorch.
//
// # Names
//
// Parameters and buffers carry PyTorch's hierarchical state_dict names, so that
// checkpoints load in PyTorch unchanged. A layer names its own tensors "weight",
// "bias", "running_mean", ...; a container prefixes its children's names when it
// adopts them: NewSequential gives "0.weight", "3.weight", ... (every child
// counts, parameter-free or not, as in torch.nn.Sequential), and Prefix or
// nn.Add give a named child ("encoder.0.weight"). Names are rewritten in place,
// so build bottom-up and adopt each module once.
//
// # Initialisation
//
// Layers initialise as PyTorch does, from a caller-seeded *rand.Rand: Linear and
// Conv2d weights Kaiming-uniform with a = sqrt(5), i.e. U(±1/sqrt(fanIn)) (He et
// al. 2015, arXiv 1502.01852), biases U(±1/sqrt(fanIn)); Embedding N(0, 1);
// normalisation scales 1 and shifts 0. The same seed gives the same model.
//
// # Checkpoints
//
// StateDict and LoadStateDict map names to tensors (parameters and buffers);
// SaveModule and LoadModule write and read them as safetensors files. Loading
// is strict: a missing or unexpected name, or a shape mismatch (the error names
// the tensor and both shapes), fails before anything is modified.
//
// # Momentum encoders
//
// CopyParams copies one module's parameters and buffers into another of the same
// architecture, and EMA applies target ← m·target + (1-m)·online to the
// parameters, the update of MoCo's key encoder (He et al. 2019, arXiv 1911.05722)
// and BYOL's target network (Grill et al. 2020, arXiv 2006.07733). Buffers are
// not averaged: as in both papers' code, the target's BatchNorm statistics come
// from its own forward passes.
//
// # Speed
//
// Sequential fuses Conv2d followed by ReLU (and by MaxPool2d) into one
// ag.Conv2dFused op, which gives the same values and gradients without writing
// the full-resolution activation.
package nn
