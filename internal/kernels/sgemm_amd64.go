//go:build !purego

package kernels

//go:generate go run sgemm_asm_gen.go

// avx2Kernel is the AVX2+FMA path: a 6x16 tile in twelve ymm accumulators (16
// architectural ymm registers: 12 accumulators, 2 of B, 2 broadcasts). Blocking
// as for AVX-512; kc=384, nc=1024 measured best of {256,384} x {512,1024} at
// 1024^3 (~76 GFLOPS per CPU-second, peak 105 at the box's effective clock).
var avx2Kernel = kernel{
	isa: isaAVX2, mr: 6, nr: 16, kc: 384, nc: 1024,
	parFlops:    1 << 18,
	micro:       microAVX2,
	stridedA:    true,
	interleave4: interleave4AVX2,
}

//go:noescape
func sgemmKernel6x16(a *float32, rsa, csa int, bp, c *float32, kc, ldc int, beta float32)

func microAVX2(a []float32, rsa, csa int, bp, c []float32, kc, ldc int, beta float32) {
	_ = a[5*rsa+(kc-1)*csa]
	_ = bp[16*kc-1]
	_ = c[5*ldc+15]
	sgemmKernel6x16(&a[0], rsa, csa, &bp[0], &c[0], kc, ldc, beta)
}

// avx512Kernel is the AVX-512F path: a 12x32 tile in 24 zmm accumulators (2
// more hold B, 6 rotate the broadcasts of A). An A panel, 12 x kc (18 KiB at
// kc=384), stays in L1 (48 KiB on Zen 5) while the kernel walks the kc x 32
// panels of the packed B block, which streams from L2 (1 MiB) and L3. kc=384
// and nc=1024 measured best of kc in {256..512} x nc in {256..2048} at 1024^3;
// a larger nc packs A (when it must be packed) fewer times.
var avx512Kernel = kernel{
	isa: isaAVX512, mr: 12, nr: 32, kc: 384, nc: 1024,
	parFlops:    1 << 18,
	micro:       microAVX512,
	stridedA:    true,
	interleave4: interleave4AVX512,
}

//go:noescape
func sgemmKernel12x32(a *float32, rsa, csa int, bp, c *float32, kc, ldc int, beta float32)

func microAVX512(a []float32, rsa, csa int, bp, c []float32, kc, ldc int, beta float32) {
	_ = a[11*rsa+(kc-1)*csa]
	_ = bp[32*kc-1]
	_ = c[11*ldc+31]
	sgemmKernel12x32(&a[0], rsa, csa, &bp[0], &c[0], kc, ldc, beta)
}

//go:noescape
func packRows4AVX512(dst, src *float32, dstStride, lda, blocks int, alpha float32)

//go:noescape
func packRows4AVX2(dst, src *float32, dstStride, lda, blocks int, alpha float32)

// interleave4AVX512 is the AVX-512 interleaver: whole blocks of 16 columns in
// assembly, the rest in Go.
func interleave4AVX512(dst, src []float32, ds, lda, cols int, alpha float32) {
	nb := cols / 16
	if nb > 0 {
		_ = src[3*lda+16*nb-1]
		_ = dst[(16*nb-1)*ds+3]
		packRows4AVX512(&dst[0], &src[0], ds, lda, nb, alpha)
	}
	if done := 16 * nb; done < cols {
		interleave4Go(dst[done*ds:], src[done:], ds, lda, cols-done, alpha)
	}
}

// interleave4AVX2 is the AVX2 interleaver: whole blocks of 8 columns in assembly.
func interleave4AVX2(dst, src []float32, ds, lda, cols int, alpha float32) {
	nb := cols / 8
	if nb > 0 {
		_ = src[3*lda+8*nb-1]
		_ = dst[(8*nb-1)*ds+3]
		packRows4AVX2(&dst[0], &src[0], ds, lda, nb, alpha)
	}
	if done := 8 * nb; done < cols {
		interleave4Go(dst[done*ds:], src[done:], ds, lda, cols-done, alpha)
	}
}
