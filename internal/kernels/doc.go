// Package kernels holds the numeric kernels the tensor engine stands on: float32
// matrix multiplication (Sgemm), the worker pool that spreads work over the cores
// (Parallel), and the distance kernels of nearest-neighbour search (Dot, L2Sq).
//
// # Sgemm
//
// Sgemm computes C = alpha*op(A)*op(B) + beta*C on row-major matrices with any of
// the four transpose combinations and arbitrary row strides. It follows the
// structure of Goto and van de Geijn, "Anatomy of high-performance matrix
// multiplication" (2008), as refined by BLIS (Van Zee and van de Geijn, 2015): a
// small assembly micro-kernel that keeps an mr x nr tile of C in registers, fed
// by panels of A and B that Go code has packed into the exact order the kernel
// streams them.
//
// The code is written for Sgemm's own work; later sections will describe the
// blocking and the paths.
package kernels
