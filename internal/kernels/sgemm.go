package kernels

import "fmt"

// Sgemm computes C = alpha*op(A)*op(B) + beta*C for row-major float32 matrices,
// where op(X) is X or its transpose. op(A) is (m, k), op(B) is (k, n), C is (m, n).
// lda, ldb and ldc are the row strides (leading dimensions) of A, B and C as stored:
// A is stored (m, k) when !transA and (k, m) when transA; likewise B.
// When beta == 0, C is overwritten without being read (NaNs in C do not propagate).
//
// Work is spread over the worker pool; the fastest path for the CPU is chosen at
// run time (see Path and the package documentation). Sgemm panics when a
// dimension is negative, a stride is smaller than the stored row width, or a slice
// is too short for the shape it is given.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scaleC(m, n, beta, c, ldc)
		return
	}
	sgemm(active, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkSgemm panics with a message naming the offending shape.
func checkSgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("kernels: Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	checkOperand("A", transA, m, k, a, lda)
	checkOperand("B", transB, k, n, b, ldb)
	checkOperand("C", false, m, n, c, ldc)
}

// checkOperand checks a (rows, cols) operand stored transposed when trans.
func checkOperand(name string, trans bool, rows, cols int, x []float32, ld int) {
	sr, sc := rows, cols // stored shape
	if trans {
		sr, sc = cols, rows
	}
	if ld < max(1, sc) {
		panic(fmt.Sprintf("kernels: Sgemm: %s stored [%d %d] (trans=%v) has stride %d < %d", name, sr, sc, trans, ld, sc))
	}
	if rows == 0 || cols == 0 {
		return
	}
	if need := (sr-1)*ld + sc; len(x) < need {
		panic(fmt.Sprintf("kernels: Sgemm: %s stored [%d %d] with stride %d needs %d elements, slice has %d", name, sr, sc, ld, need, len(x)))
	}
}

// scaleC sets C = beta*C, writing zeros without reading C when beta == 0.
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}
