// Package tensor holds contrast's float32 N-dimensional arrays: shape, strides,
// views and contiguous copies, seeded random initialisation, element-wise math
// with NumPy-style broadcasting, and reductions along axes.
//
// # Layout
//
// A Tensor is a view (shape, strides, offset) over a flat []float32. Row-major
// contiguous tensors are the common case and the fast path; Transpose, Permute,
// Slice and Expand return views that share the data, and Contiguous copies a view
// into a fresh row-major tensor. Autodiff (package ag) works on contiguous
// tensors only and calls Contiguous where a view reaches it.
//
// # Errors
//
// Shape misuse is a programming error and panics with a message that names the
// operation and both shapes, e.g. "tensor: Add: shapes [3 4] and [4 3] do not broadcast".
package tensor
