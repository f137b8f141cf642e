// Package ag is contrast's reverse-mode automatic differentiation.
//
// # Tape
//
// A Tape records the operations of one forward pass in execution order; every
// op is a method on the tape (t.MatMul, t.ReLU, t.Conv2d, ...), so the record is
// already topologically sorted and Backward simply walks it in reverse. Leaves
// are parameters (Param: persistent value and gradient, updated by package optim)
// and constants (Const: inputs, no gradient). Reset returns every intermediate
// buffer to the tape's pool, so that a training step in steady state allocates
// (almost) nothing.
//
// # Ops
//
// One op per file, forward and backward side by side: the forward computes the
// output value and, when any input needs a gradient, records a closure that
// accumulates the output's gradient into the inputs' gradients. All values are
// contiguous row-major float32 tensors (package tensor).
//
// # Modes
//
// A tape made by NewTape(false) (no-grad mode, for inference) records nothing.
// Detach (stop-gradient, as SimSiam and BYOL need) returns a constant view of a
// value. CheckFinite turns on a debug check that reports the first op whose output
// holds a NaN or Inf, by name.
package ag
