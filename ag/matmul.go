package ag

import (
	"fmt"

	"github.com/contrast-ml/contrast/internal/kernels"
)

// MatMul returns op(a) x op(b) for 2-D a and b, where op transposes when the
// flag is set: a (m, k) or (k, m), b (k, n) or (n, k), result (m, n).
// Transposes are folded into the sgemm call, never materialised.
func (t *Tape) MatMul(a, b *Var, transA, transB bool) *Var {
	if a.Value.Dims() != 2 || b.Value.Dims() != 2 {
		panic(fmt.Sprintf("ag: MatMul needs 2-D operands, got %v and %v", a.Shape(), b.Shape()))
	}
	m, k := a.Shape()[0], a.Shape()[1]
	if transA {
		m, k = k, m
	}
	k2, n := b.Shape()[0], b.Shape()[1]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("ag: MatMul: inner dimensions of %v (transA=%v) and %v (transB=%v) differ", a.Shape(), transA, b.Shape(), transB))
	}
	out := t.newVar("MatMul", m, n)
	matmul(out.Value.Data, a.Value.Data, b.Value.Data, 1, m, n, k, transA, transB, 0)
	t.record(out, func(g []float32) {
		matmulBackward(t, a, b, g, 1, m, n, k, transA, transB)
	}, a, b)
	return out
}

// BatchedMatMul multiplies matching slices of 3-D a (batch, m, k) and b (batch, k, n),
// with optional transposes of the last two axes, giving (batch, m, n).
func (t *Tape) BatchedMatMul(a, b *Var, transA, transB bool) *Var {
	if a.Value.Dims() != 3 || b.Value.Dims() != 3 || a.Shape()[0] != b.Shape()[0] {
		panic(fmt.Sprintf("ag: BatchedMatMul needs 3-D operands with equal batch, got %v and %v", a.Shape(), b.Shape()))
	}
	batch := a.Shape()[0]
	m, k := a.Shape()[1], a.Shape()[2]
	if transA {
		m, k = k, m
	}
	k2, n := b.Shape()[1], b.Shape()[2]
	if transB {
		k2, n = n, k2
	}
	if k != k2 {
		panic(fmt.Sprintf("ag: BatchedMatMul: inner dimensions of %v and %v differ", a.Shape(), b.Shape()))
	}
	out := t.newVar("BatchedMatMul", batch, m, n)
	matmul(out.Value.Data, a.Value.Data, b.Value.Data, batch, m, n, k, transA, transB, 0)
	t.record(out, func(g []float32) {
		matmulBackward(t, a, b, g, batch, m, n, k, transA, transB)
	}, a, b)
	return out
}

// matmul computes c = op(a) op(b) + beta*c for each of batch stacked matrices.
func matmul(c, a, b []float32, batch, m, n, k int, transA, transB bool, beta float32) {
	lda, ldb := k, n
	if transA {
		lda = m
	}
	if transB {
		ldb = k
	}
	for i := range batch {
		kernels.Sgemm(transA, transB, m, n, k, 1, a[i*m*k:], lda, b[i*k*n:], ldb, beta, c[i*m*n:], n)
	}
}

// matmulBackward accumulates dA and dB for C = op(A) op(B) from dC = g.
// With C = A B: dA = g B^T, dB = A^T g; the transposed cases follow by symmetry.
func matmulBackward(t *Tape, a, b *Var, g []float32, batch, m, n, k int, transA, transB bool) {
	ad, bd := a.Value.Data, b.Value.Data
	if a.needsGrad {
		da := t.gradOf(a)
		for i := range batch {
			gi, bi, dai := g[i*m*n:], bd[i*k*n:], da[i*m*k:]
			ldb := n
			if transB {
				ldb = k
			}
			if !transA { // dA (m,k) += g (m,n) x op(B)^T
				kernels.Sgemm(false, !transB, m, k, n, 1, gi, n, bi, ldb, 1, dai, k)
			} else { // A stored (k,m): dA += op(B) x g^T
				kernels.Sgemm(transB, true, k, m, n, 1, bi, ldb, gi, n, 1, dai, m)
			}
		}
	}
	if b.needsGrad {
		db := t.gradOf(b)
		for i := range batch {
			gi, ai, dbi := g[i*m*n:], ad[i*m*k:], db[i*k*n:]
			lda := k
			if transA {
				lda = m
			}
			if !transB { // dB (k,n) += op(A)^T x g
				kernels.Sgemm(!transA, false, k, n, m, 1, ai, lda, gi, n, 1, dbi, n)
			} else { // B stored (n,k): dB += g^T x op(A)
				kernels.Sgemm(true, transA, n, k, m, 1, gi, n, ai, lda, 1, dbi, k)
			}
		}
	}
}
