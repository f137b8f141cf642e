package kernels

// genericKernel is the plain-Go path: a 4x4 register tile inside the same blocking
// and packing as the assembly paths.
var genericKernel = kernel{
	isa: isaGeneric, mr: 4, nr: 4, kc: 256, nc: 1024,
	parFlops: 1 << 16,
	micro:    micro4x4,
}

// micro4x4 computes C[0:4, 0:4] = Ap*Bp + beta*C for packed 4 x kc and kc x 4
// panels; it supports only the packed layout (rsa=1, csa=4). The tile is computed as two 2x4 halves: eight accumulators plus six
// operands fit the 15 usable XMM registers of amd64, whereas sixteen accumulators
// spill to the stack and run at half the speed (measured 3 vs 6 GFLOPS per core
// on Zen 5). The second half re-reads the B panel from L1.
func micro4x4(ap []float32, rsa, csa int, bp, c []float32, kc, ldc int, beta float32) {
	if rsa != 1 || csa != 4 {
		panic("kernels: micro4x4 needs a packed A panel")
	}
	ap = ap[:4*kc]
	bp = bp[:4*kc]
	for h := 0; h < 4; h += 2 {
		var c00, c01, c02, c03 float32
		var c10, c11, c12, c13 float32
		for p := 0; p+4 <= len(bp); p += 4 {
			b := bp[p : p+4 : p+4]
			a := ap[p+h : p+h+2 : p+h+2]
			b0, b1, b2, b3 := b[0], b[1], b[2], b[3]
			a0, a1 := a[0], a[1]
			c00 += a0 * b0
			c01 += a0 * b1
			c02 += a0 * b2
			c03 += a0 * b3
			c10 += a1 * b0
			c11 += a1 * b1
			c12 += a1 * b2
			c13 += a1 * b3
		}
		r0 := c[h*ldc : h*ldc+4 : h*ldc+4]
		r1 := c[(h+1)*ldc : (h+1)*ldc+4 : (h+1)*ldc+4]
		if beta != 0 {
			c00 += beta * r0[0]
			c01 += beta * r0[1]
			c02 += beta * r0[2]
			c03 += beta * r0[3]
			c10 += beta * r1[0]
			c11 += beta * r1[1]
			c12 += beta * r1[2]
			c13 += beta * r1[3]
		}
		r0[0], r0[1], r0[2], r0[3] = c00, c01, c02, c03
		r1[0], r1[1], r1[2], r1[3] = c10, c11, c12, c13
	}
}
