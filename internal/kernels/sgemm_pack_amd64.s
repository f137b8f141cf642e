//go:build !purego

#include "textflag.h"

// func packRows4AVX512(dst, src *float32, dstStride, lda, blocks int, alpha float32)
//
// Interleaves four rows: dst[p*dstStride+r] = alpha*src[r*lda+p] for r < 4 and
// p < 16*blocks (strides in elements). Each block loads 16 columns of the four
// rows, transposes the 4x4 blocks inside each 128-bit lane (unpack low/high
// of singles, then of doubles) and stores every column's four values as one
// 16-byte chunk. This is the transposition at the heart of packing a
// non-transposed A (or a transposed B), which plain Go does element by element
// at about 1.5 G elements/s per core; this runs at memory speed.
TEXT ·packRows4AVX512(SB), NOSPLIT, $0-44
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ dstStride+16(FP), R10
	SHLQ $2, R10            // s: bytes per column in dst
	MOVQ lda+24(FP), R8
	SHLQ $2, R8             // bytes per row in src
	LEAQ (R8)(R8*2), R9     // 3 rows
	LEAQ (R10)(R10*2), R11  // 3s
	MOVQ blocks+32(FP), CX
	VBROADCASTSS alpha+40(FP), Z15
	MOVQ R10, R15
	SHLQ $4, R15            // 16s: dst advance per block
	TESTQ CX, CX
	JZ   done

loop:
	LEAQ (DI)(R10*4), R12   // column 4
	LEAQ (R12)(R10*4), R13  // column 8
	LEAQ (R13)(R10*4), R14  // column 12
	VMULPS (SI), Z15, Z0
	VMULPS (SI)(R8*1), Z15, Z1
	VMULPS (SI)(R8*2), Z15, Z2
	VMULPS (SI)(R9*1), Z15, Z3
	VUNPCKLPS Z1, Z0, Z4
	VUNPCKHPS Z1, Z0, Z5
	VUNPCKLPS Z3, Z2, Z6
	VUNPCKHPS Z3, Z2, Z7
	VUNPCKLPD Z6, Z4, Z8   // column 4l+0 in lane l
	VUNPCKHPD Z6, Z4, Z9   // column 4l+1
	VUNPCKLPD Z7, Z5, Z10  // column 4l+2
	VUNPCKHPD Z7, Z5, Z11  // column 4l+3
	VMOVUPS X8, (DI)
	VMOVUPS X9, (DI)(R10*1)
	VMOVUPS X10, (DI)(R10*2)
	VMOVUPS X11, (DI)(R11*1)
	VEXTRACTF32X4 $1, Z8, (R12)
	VEXTRACTF32X4 $1, Z9, (R12)(R10*1)
	VEXTRACTF32X4 $1, Z10, (R12)(R10*2)
	VEXTRACTF32X4 $1, Z11, (R12)(R11*1)
	VEXTRACTF32X4 $2, Z8, (R13)
	VEXTRACTF32X4 $2, Z9, (R13)(R10*1)
	VEXTRACTF32X4 $2, Z10, (R13)(R10*2)
	VEXTRACTF32X4 $2, Z11, (R13)(R11*1)
	VEXTRACTF32X4 $3, Z8, (R14)
	VEXTRACTF32X4 $3, Z9, (R14)(R10*1)
	VEXTRACTF32X4 $3, Z10, (R14)(R10*2)
	VEXTRACTF32X4 $3, Z11, (R14)(R11*1)
	ADDQ $64, SI
	ADDQ R15, DI
	DECQ CX
	JNZ  loop

done:
	VZEROUPPER
	RET

// func packRows4AVX2(dst, src *float32, dstStride, lda, blocks int, alpha float32)
//
// packRows4AVX512 for AVX2: blocks of 8 columns in ymm registers (two lanes).
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
