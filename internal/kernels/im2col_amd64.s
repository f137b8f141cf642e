//go:build !purego

#include "textflag.h"

// Row-block moves for im2col and col2im on AVX-512F: rows runs of n floats, the
// runs dstStride and srcStride elements apart. Whole 16-float blocks move with
// plain loads and stores, the last n%16 floats with one masked load and store
// (masked-off lanes neither fault nor write), so a run of 11 floats, typical of
// a small feature map, costs one load and one store.

// func copyRowsAVX512(dst *float32, dstStride int, src *float32, srcStride int, rows, n int)
TEXT ·copyRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ srcStride+24(FP), R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	SHLQ $2, R8
	SHLQ $2, R9
	MOVQ R11, CX
	ANDQ $15, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	SHRQ $4, R11

copyrow:
	TESTQ R10, R10
	JEQ   copydone
	MOVQ  SI, AX
	MOVQ  DI, BX
	MOVQ  R11, DX

copyblk:
	TESTQ   DX, DX
	JEQ     copytail
	VMOVUPS (AX), Z0
	VMOVUPS Z0, (BX)
	ADDQ    $64, AX
	ADDQ    $64, BX
	DECQ    DX
	JMP     copyblk

copytail:
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS   Z0, K1, (BX)
	ADDQ      R9, SI
	ADDQ      R8, DI
	DECQ      R10
	JMP       copyrow

copydone:
	VZEROUPPER
	RET

// func addRowsAVX512(dst *float32, dstStride int, src *float32, srcStride int, rows, n int)
TEXT ·addRowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ dstStride+8(FP), R8
	MOVQ src+16(FP), SI
	MOVQ srcStride+24(FP), R9
	MOVQ rows+32(FP), R10
	MOVQ n+40(FP), R11
	SHLQ $2, R8
	SHLQ $2, R9
	MOVQ R11, CX
	ANDQ $15, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K1
	SHRQ $4, R11

addrow:
	TESTQ R10, R10
	JEQ   adddone
	MOVQ  SI, AX
	MOVQ  DI, BX
	MOVQ  R11, DX

addblk:
	TESTQ   DX, DX
	JEQ     addtail
	VMOVUPS (BX), Z1
	VADDPS  (AX), Z1, Z1
	VMOVUPS Z1, (BX)
	ADDQ    $64, AX
	ADDQ    $64, BX
	DECQ    DX
	JMP     addblk

addtail:
	VMOVUPS.Z (AX), K1, Z0
	VMOVUPS.Z (BX), K1, Z1
	VADDPS    Z0, Z1, Z1
	VMOVUPS   Z1, K1, (BX)
	ADDQ      R9, SI
	ADDQ      R8, DI
	DECQ      R10
	JMP       addrow

adddone:
	VZEROUPPER
	RET

// func im2colRowS1AVX512(dst *float32, x *float32, h, w, iy0, ix0, oh, ow int)
//
// One row of a stride-1 column matrix: dst[oy*ow+ox] = x[(iy0+oy)*w + ix0+ox]
// when that input position lies inside the h x w plane, else 0 (the padding).
// Output rows are done in blocks of 16 columns; a block's masks (columns inside
// the plane, columns inside the row) are the same for every row, so each row of
// a block costs one masked load (masked-off lanes neither fault nor read) and
// one masked store.
TEXT ·im2colRowS1AVX512(SB), NOSPLIT, $0-64
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ w+24(FP), R9
	MOVQ ow+56(FP), R13
	SHLQ $2, R13                // output row stride in bytes
	MOVQ R9, R14
	SHLQ $2, R14                // input row stride in bytes
	VXORPS Z0, Z0, Z0
	XORQ R15, R15               // bx

i2blk:
	MOVQ ow+56(FP), CX
	SUBQ R15, CX
	JLE  i2done
	CMPQ CX, $16
	JLE  i2cap
	MOVQ $16, CX

i2cap:
	MOVQ CX, R12                // cap = min(16, ow-bx)
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2                // store mask
	// load mask: lanes with 0 <= ix0+bx+lane < w, under the store mask
	MOVQ ix0+40(FP), DX
	ADDQ R15, DX                // s = ix0+bx
	MOVQ R9, CX
	SUBQ DX, CX                 // w - s
	CMPQ CX, R12
	JLE  i2h
	MOVQ R12, CX

i2h:
	XORL AX, AX
	TESTQ CX, CX
	JLE  i2m
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	MOVQ DX, CX
	NEGQ CX                     // lo = max(0, -s)
	JGE  i2l
	XORQ CX, CX

i2l:
	SHRL CX, AX
	SHLL CX, AX

i2m:
	KMOVW AX, K1
	// walk the rows: BX = input of lane 0 for row oy, R8 = output, R10 = iy
	MOVQ iy0+32(FP), R10
	MOVQ R10, AX
	IMULQ R9, AX
	ADDQ DX, AX
	LEAQ (SI)(AX*4), BX
	LEAQ (DI)(R15*4), R8
	MOVQ oh+48(FP), R11
	MOVQ h+16(FP), R12

i2row:
	TESTQ R11, R11
	JEQ   i2nextblk
	TESTQ R10, R10
	JLT   i2pad
	CMPQ  R10, R12
	JGE   i2pad
	VMOVUPS.Z (BX), K1, Z1
	VMOVUPS   Z1, K2, (R8)
	JMP   i2adv

i2pad:
	VMOVUPS Z0, K2, (R8)

i2adv:
	ADDQ R14, BX
	ADDQ R13, R8
	INCQ R10
	DECQ R11
	JMP  i2row

i2nextblk:
	ADDQ $16, R15
	JMP  i2blk

i2done:
	VZEROUPPER
	RET

// func col2imS1AVX512(dx *float32, col *float32, ldc, h, w, kh, kw, pad, oh, ow int)
//
// The stride-1 col2im of one channel: dx (h x w) += the kh*kw rows of col
// (ldc apart, each oh x ow) put back where im2col read them; kw <= 16. Each
// 16-float block of a dx row is loaded once, gathers its kh*kw contributions as
// masked loads from the column rows (the masks, one per kx and the same for all
// rows of a block, drop the padding and the plane's edges) and is stored once:
// adding row by row instead would reload values just stored at a one-float
// offset, which store-to-load forwarding cannot serve.
TEXT ·col2imS1AVX512(SB), NOSPLIT, $64-80
	MOVQ dx+0(FP), DI
	MOVQ col+8(FP), SI
	MOVQ ldc+16(FP), R8
	DECQ R8
	SHLQ $2, R8                 // from one column row, one float left, to the next row
	MOVQ ow+72(FP), R9
	XORQ R13, R13               // bx

c2blk:
	MOVQ w+32(FP), R10
	SUBQ R13, R10
	JLE  c2done
	CMPQ R10, $16
	JLE  c2cap
	MOVQ $16, R10

c2cap:
	MOVQ R10, CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	// masks[kx] at kx*4(SP): lanes with 0 <= s+lane < ow, lane < cap, s = bx+pad-kx
	MOVQ R13, DX
	ADDQ pad+56(FP), DX
	XORQ R11, R11

c2mask:
	CMPQ R11, kw+48(FP)
	JGE  c2rows
	MOVQ R9, CX
	SUBQ DX, CX
	CMPQ CX, R10
	JLE  c2mh
	MOVQ R10, CX

c2mh:
	XORL AX, AX
	TESTQ CX, CX
	JLE  c2ms
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	MOVQ DX, CX
	NEGQ CX
	JGE  c2ml
	XORQ CX, CX

c2ml:
	SHRL CX, AX
	SHLL CX, AX

c2ms:
	MOVL AX, (SP)(R11*4)
	DECQ DX
	INCQ R11
	JMP  c2mask

c2rows:
	XORQ R12, R12               // iy

c2row:
	CMPQ R12, h+24(FP)
	JGE  c2nextblk
	MOVQ  R12, AX
	IMULQ w+32(FP), AX
	ADDQ  R13, AX
	LEAQ  (DI)(AX*4), AX
	VMOVUPS.Z (AX), K2, Z0
	XORQ R14, R14               // ky
	MOVQ SI, R15                // column row ky*kw

c2ky:
	CMPQ R14, kh+40(FP)
	JGE  c2store
	MOVQ R12, AX
	ADDQ pad+56(FP), AX
	SUBQ R14, AX                // oy = iy + pad - ky
	TESTQ AX, AX
	JLT  c2kynext
	CMPQ AX, oh+64(FP)
	JGE  c2kynext
	IMULQ R9, AX
	ADDQ R13, AX
	ADDQ pad+56(FP), AX
	LEAQ (R15)(AX*4), BX        // lane 0 of kx = 0
	XORQ R11, R11

c2kx:
	CMPQ R11, kw+48(FP)
	JGE  c2kynext
	KMOVW (SP)(R11*4), K1
	VMOVUPS.Z (BX), K1, Z1
	VADDPS Z1, Z0, Z0
	ADDQ R8, BX
	INCQ R11
	JMP  c2kx

c2kynext:
	INCQ  R14
	MOVQ  kw+48(FP), AX
	IMULQ ldc+16(FP), AX
	LEAQ  (R15)(AX*4), R15
	JMP   c2ky

c2store:
	MOVQ  R12, AX
	IMULQ w+32(FP), AX
	ADDQ  R13, AX
	LEAQ  (DI)(AX*4), AX
	VMOVUPS Z0, K2, (AX)
	INCQ R12
	JMP  c2row

c2nextblk:
	ADDQ $16, R13
	JMP  c2blk

c2done:
	VZEROUPPER
	RET
