//go:build !purego

#include "textflag.h"

// func packRows4AVX2(dst, src *float32, dstStride, lda, blocks int, alpha float32)
//
// Interleaves four rows: dst[p*dstStride+r] = alpha*src[r*lda+p] for r < 4 and
// p < 8*blocks (strides in elements). Each block loads 8 columns of the four
// rows, transposes the 4x4 blocks inside each 128-bit lane (unpack low/high of
// singles, then of doubles) and stores every column's four values as one 16-byte
// chunk. This is the transposition at the heart of packing a non-transposed A
// (or a transposed B), which plain Go does element by element.
TEXT ·packRows4AVX2(SB), NOSPLIT, $0-44
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ dstStride+16(FP), R10
	SHLQ $2, R10
	MOVQ lda+24(FP), R8
	SHLQ $2, R8
	LEAQ (R8)(R8*2), R9
	LEAQ (R10)(R10*2), R11
	MOVQ blocks+32(FP), CX
	VBROADCASTSS alpha+40(FP), Y15
	MOVQ R10, R15
	SHLQ $3, R15            // 8s: dst advance per block
	TESTQ CX, CX
	JZ   done2

loop2:
	LEAQ (DI)(R10*4), R12   // column 4
	VMULPS (SI), Y15, Y0
	VMULPS (SI)(R8*1), Y15, Y1
	VMULPS (SI)(R8*2), Y15, Y2
	VMULPS (SI)(R9*1), Y15, Y3
	VUNPCKLPS Y1, Y0, Y4
	VUNPCKHPS Y1, Y0, Y5
	VUNPCKLPS Y3, Y2, Y6
	VUNPCKHPS Y3, Y2, Y7
	VUNPCKLPD Y6, Y4, Y8
	VUNPCKHPD Y6, Y4, Y9
	VUNPCKLPD Y7, Y5, Y10
	VUNPCKHPD Y7, Y5, Y11
	VMOVUPS X8, (DI)
	VMOVUPS X9, (DI)(R10*1)
	VMOVUPS X10, (DI)(R10*2)
	VMOVUPS X11, (DI)(R11*1)
	VEXTRACTF128 $1, Y8, (R12)
	VEXTRACTF128 $1, Y9, (R12)(R10*1)
	VEXTRACTF128 $1, Y10, (R12)(R10*2)
	VEXTRACTF128 $1, Y11, (R12)(R11*1)
	ADDQ $32, SI
	ADDQ R15, DI
	DECQ CX
	JNZ  loop2

done2:
	VZEROUPPER
	RET
