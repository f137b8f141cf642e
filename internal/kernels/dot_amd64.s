//go:build amd64 && !purego

#include "textflag.h"

// Distance kernels for package index. Each takes n, a multiple of 16 (AVX-512)
// or 8 (AVX2), keeps four independent accumulators so that FMA latency is hidden,
// and reduces them horizontally at the end.

// REDUCE16 sums the 16 lanes of Z0 into X0[0].
#define REDUCE16 \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPS        Y1, Y0, Y0 \
	VEXTRACTF128  $1, Y0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVHLPS      X0, X0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVSHDUP     X0, X1     \
	VADDSS        X1, X0, X0

// REDUCE8 sums the 8 lanes of Y0 into X0[0].
#define REDUCE8 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1     \
	VADDSS       X1, X0, X0

// func dotAVX512(a, b *float32, n int) float32
TEXT ·dotAVX512(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

dot512loop64:
	CMPQ        CX, $64
	JLT         dot512loop16
	VMOVUPS     (SI), Z4
	VMOVUPS     64(SI), Z5
	VMOVUPS     128(SI), Z6
	VMOVUPS     192(SI), Z7
	VFMADD231PS (DI), Z4, Z0
	VFMADD231PS 64(DI), Z5, Z1
	VFMADD231PS 128(DI), Z6, Z2
	VFMADD231PS 192(DI), Z7, Z3
	ADDQ        $256, SI
	ADDQ        $256, DI
	SUBQ        $64, CX
	JMP         dot512loop64

dot512loop16:
	CMPQ        CX, $16
	JLT         dot512done
	VMOVUPS     (SI), Z4
	VFMADD231PS (DI), Z4, Z0
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JMP         dot512loop16

dot512done:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	REDUCE16
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func l2sqAVX512(a, b *float32, n int) float32
TEXT ·l2sqAVX512(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

l2512loop64:
	CMPQ        CX, $64
	JLT         l2512loop16
	VMOVUPS     (SI), Z4
	VMOVUPS     64(SI), Z5
	VMOVUPS     128(SI), Z6
	VMOVUPS     192(SI), Z7
	VSUBPS      (DI), Z4, Z4
	VSUBPS      64(DI), Z5, Z5
	VSUBPS      128(DI), Z6, Z6
	VSUBPS      192(DI), Z7, Z7
	VFMADD231PS Z4, Z4, Z0
	VFMADD231PS Z5, Z5, Z1
	VFMADD231PS Z6, Z6, Z2
	VFMADD231PS Z7, Z7, Z3
	ADDQ        $256, SI
	ADDQ        $256, DI
	SUBQ        $64, CX
	JMP         l2512loop64

l2512loop16:
	CMPQ        CX, $16
	JLT         l2512done
	VMOVUPS     (SI), Z4
	VSUBPS      (DI), Z4, Z4
	VFMADD231PS Z4, Z4, Z0
	ADDQ        $64, SI
	ADDQ        $64, DI
	SUBQ        $16, CX
	JMP         l2512loop16

l2512done:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	REDUCE16
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotU8AVX512(a *float32, b *uint8, n int) float32
TEXT ·dotU8AVX512(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

u8512loop64:
	CMPQ        CX, $64
	JLT         u8512loop16
	VPMOVZXBD   (DI), Z4
	VPMOVZXBD   16(DI), Z5
	VPMOVZXBD   32(DI), Z6
	VPMOVZXBD   48(DI), Z7
	VCVTDQ2PS   Z4, Z4
	VCVTDQ2PS   Z5, Z5
	VCVTDQ2PS   Z6, Z6
	VCVTDQ2PS   Z7, Z7
	VFMADD231PS (SI), Z4, Z0
	VFMADD231PS 64(SI), Z5, Z1
	VFMADD231PS 128(SI), Z6, Z2
	VFMADD231PS 192(SI), Z7, Z3
	ADDQ        $256, SI
	ADDQ        $64, DI
	SUBQ        $64, CX
	JMP         u8512loop64

u8512loop16:
	CMPQ        CX, $16
	JLT         u8512done
	VPMOVZXBD   (DI), Z4
	VCVTDQ2PS   Z4, Z4
	VFMADD231PS (SI), Z4, Z0
	ADDQ        $64, SI
	ADDQ        $16, DI
	SUBQ        $16, CX
	JMP         u8512loop16

u8512done:
	VADDPS Z1, Z0, Z0
	VADDPS Z3, Z2, Z2
	VADDPS Z2, Z0, Z0
	REDUCE16
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotAVX2(a, b *float32, n int) float32
TEXT ·dotAVX2(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

dot2loop32:
	CMPQ        CX, $32
	JLT         dot2loop8
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VFMADD231PS (DI), Y4, Y0
	VFMADD231PS 32(DI), Y5, Y1
	VFMADD231PS 64(DI), Y6, Y2
	VFMADD231PS 96(DI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	JMP         dot2loop32

dot2loop8:
	CMPQ        CX, $8
	JLT         dot2done
	VMOVUPS     (SI), Y4
	VFMADD231PS (DI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         dot2loop8

dot2done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	REDUCE8
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func l2sqAVX2(a, b *float32, n int) float32
TEXT ·l2sqAVX2(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

l22loop32:
	CMPQ        CX, $32
	JLT         l22loop8
	VMOVUPS     (SI), Y4
	VMOVUPS     32(SI), Y5
	VMOVUPS     64(SI), Y6
	VMOVUPS     96(SI), Y7
	VSUBPS      (DI), Y4, Y4
	VSUBPS      32(DI), Y5, Y5
	VSUBPS      64(DI), Y6, Y6
	VSUBPS      96(DI), Y7, Y7
	VFMADD231PS Y4, Y4, Y0
	VFMADD231PS Y5, Y5, Y1
	VFMADD231PS Y6, Y6, Y2
	VFMADD231PS Y7, Y7, Y3
	ADDQ        $128, SI
	ADDQ        $128, DI
	SUBQ        $32, CX
	JMP         l22loop32

l22loop8:
	CMPQ        CX, $8
	JLT         l22done
	VMOVUPS     (SI), Y4
	VSUBPS      (DI), Y4, Y4
	VFMADD231PS Y4, Y4, Y0
	ADDQ        $32, SI
	ADDQ        $32, DI
	SUBQ        $8, CX
	JMP         l22loop8

l22done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	REDUCE8
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotU8AVX2(a *float32, b *uint8, n int) float32
TEXT ·dotU8AVX2(SB), NOSPLIT, $0-28
	MOVQ   a+0(FP), SI
	MOVQ   b+8(FP), DI
	MOVQ   n+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3

u82loop32:
	CMPQ        CX, $32
	JLT         u82loop8
	VPMOVZXBD   (DI), Y4
	VPMOVZXBD   8(DI), Y5
	VPMOVZXBD   16(DI), Y6
	VPMOVZXBD   24(DI), Y7
	VCVTDQ2PS   Y4, Y4
	VCVTDQ2PS   Y5, Y5
	VCVTDQ2PS   Y6, Y6
	VCVTDQ2PS   Y7, Y7
	VFMADD231PS (SI), Y4, Y0
	VFMADD231PS 32(SI), Y5, Y1
	VFMADD231PS 64(SI), Y6, Y2
	VFMADD231PS 96(SI), Y7, Y3
	ADDQ        $128, SI
	ADDQ        $32, DI
	SUBQ        $32, CX
	JMP         u82loop32

u82loop8:
	CMPQ        CX, $8
	JLT         u82done
	VPMOVZXBD   (DI), Y4
	VCVTDQ2PS   Y4, Y4
	VFMADD231PS (SI), Y4, Y0
	ADDQ        $32, SI
	ADDQ        $8, DI
	SUBQ        $8, CX
	JMP         u82loop8

u82done:
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	REDUCE8
	MOVSS  X0, ret+24(FP)
	VZEROUPPER
	RET

// func prefetchRows(base *byte, rows *uint32, n, stride, nbytes int)
// Prefetches the cache lines of the first nbytes (> 0) of each listed row,
// rows being stride bytes apart. Prefetches never fault.
TEXT ·prefetchRows(SB), NOSPLIT, $0-40
	MOVQ base+0(FP), SI
	MOVQ rows+8(FP), DI
	MOVQ n+16(FP), CX
	MOVQ stride+24(FP), R8
	MOVQ nbytes+32(FP), R9

pfrows:
	TESTQ CX, CX
	JZ    pfdone
	MOVL  (DI), AX
	IMULQ R8, AX
	LEAQ  (SI)(AX*1), DX
	MOVQ  R9, BX

pflines:
	PREFETCHT0 (DX)
	ADDQ       $64, DX
	SUBQ       $64, BX
	JGT        pflines
	ADDQ       $4, DI
	DECQ       CX
	JMP        pfrows

pfdone:
	RET
