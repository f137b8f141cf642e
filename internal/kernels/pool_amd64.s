//go:build !purego

#include "textflag.h"

// 2x2, stride-2 max-pooling on AVX-512F, 16 outputs per step: the 32 inputs of
// each of the two window rows are loaded (masked at the row's end) and split into
// even and odd columns with one permute each, leaving the four window values of
// 16 outputs in four registers.

// even and odd lanes of a 32-float pair of registers
DATA poolEven<>+0(SB)/4, $0
DATA poolEven<>+4(SB)/4, $2
DATA poolEven<>+8(SB)/4, $4
DATA poolEven<>+12(SB)/4, $6
DATA poolEven<>+16(SB)/4, $8
DATA poolEven<>+20(SB)/4, $10
DATA poolEven<>+24(SB)/4, $12
DATA poolEven<>+28(SB)/4, $14
DATA poolEven<>+32(SB)/4, $16
DATA poolEven<>+36(SB)/4, $18
DATA poolEven<>+40(SB)/4, $20
DATA poolEven<>+44(SB)/4, $22
DATA poolEven<>+48(SB)/4, $24
DATA poolEven<>+52(SB)/4, $26
DATA poolEven<>+56(SB)/4, $28
DATA poolEven<>+60(SB)/4, $30
GLOBL poolEven<>(SB), RODATA|NOPTR, $64

DATA poolOdd<>+0(SB)/4, $1
DATA poolOdd<>+4(SB)/4, $3
DATA poolOdd<>+8(SB)/4, $5
DATA poolOdd<>+12(SB)/4, $7
DATA poolOdd<>+16(SB)/4, $9
DATA poolOdd<>+20(SB)/4, $11
DATA poolOdd<>+24(SB)/4, $13
DATA poolOdd<>+28(SB)/4, $15
DATA poolOdd<>+32(SB)/4, $17
DATA poolOdd<>+36(SB)/4, $19
DATA poolOdd<>+40(SB)/4, $21
DATA poolOdd<>+44(SB)/4, $23
DATA poolOdd<>+48(SB)/4, $25
DATA poolOdd<>+52(SB)/4, $27
DATA poolOdd<>+56(SB)/4, $29
DATA poolOdd<>+60(SB)/4, $31
GLOBL poolOdd<>(SB), RODATA|NOPTR, $64

// interleave: lanes 0..15 of (a, b) -> a0 b0 a1 b1 ... a7 b7, and the high halves
DATA poolLo<>+0(SB)/4, $0
DATA poolLo<>+4(SB)/4, $16
DATA poolLo<>+8(SB)/4, $1
DATA poolLo<>+12(SB)/4, $17
DATA poolLo<>+16(SB)/4, $2
DATA poolLo<>+20(SB)/4, $18
DATA poolLo<>+24(SB)/4, $3
DATA poolLo<>+28(SB)/4, $19
DATA poolLo<>+32(SB)/4, $4
DATA poolLo<>+36(SB)/4, $20
DATA poolLo<>+40(SB)/4, $5
DATA poolLo<>+44(SB)/4, $21
DATA poolLo<>+48(SB)/4, $6
DATA poolLo<>+52(SB)/4, $22
DATA poolLo<>+56(SB)/4, $7
DATA poolLo<>+60(SB)/4, $23
GLOBL poolLo<>(SB), RODATA|NOPTR, $64

DATA poolHi<>+0(SB)/4, $8
DATA poolHi<>+4(SB)/4, $24
DATA poolHi<>+8(SB)/4, $9
DATA poolHi<>+12(SB)/4, $25
DATA poolHi<>+16(SB)/4, $10
DATA poolHi<>+20(SB)/4, $26
DATA poolHi<>+24(SB)/4, $11
DATA poolHi<>+28(SB)/4, $27
DATA poolHi<>+32(SB)/4, $12
DATA poolHi<>+36(SB)/4, $28
DATA poolHi<>+40(SB)/4, $13
DATA poolHi<>+44(SB)/4, $29
DATA poolHi<>+48(SB)/4, $14
DATA poolHi<>+52(SB)/4, $30
DATA poolHi<>+56(SB)/4, $15
DATA poolHi<>+60(SB)/4, $31
GLOBL poolHi<>(SB), RODATA|NOPTR, $64

// TAILMASKS stores at 0(SP), 4(SP) and 8(SP) the masks of a last block of
// CX = ow%16 outputs (CX >= 1): CX outputs, and the low and high 16 of its 2*CX
// inputs. Clobbers AX, CX, DX.
#define TAILMASKS \
	MOVL  $1, AX      \
	SHLL  CX, AX      \
	DECL  AX          \
	MOVL  AX, 0(SP)   \
	MOVQ  CX, DX      \
	SHLQ  $1, DX      \
	MOVL  $0xffff, AX \
	CMPQ  DX, $16     \
	JGE   5(PC)       \
	MOVQ  DX, CX      \
	MOVL  $1, AX      \
	SHLL  CX, AX      \
	DECL  AX          \
	MOVL  AX, 4(SP)   \
	XORL  AX, AX      \
	MOVQ  DX, CX      \
	SUBQ  $16, CX     \
	JLE   4(PC)       \
	MOVL  $1, AX      \
	SHLL  CX, AX      \
	DECL  AX          \
	MOVL  AX, 8(SP)

// BLOCKMASKS sets K2 (outputs) and K3, K4 (low, high inputs) for a block with
// CX outputs left: all ones for a full block, else the stored tail masks.
#define BLOCKMASKS \
	CMPQ   CX, $16    \
	JLT    5(PC)      \
	KXNORW K2, K2, K2 \
	KXNORW K3, K3, K3 \
	KXNORW K4, K4, K4 \
	JMP    4(PC)      \
	KMOVW  0(SP), K2  \
	KMOVW  4(SP), K3  \
	KMOVW  8(SP), K4

// func maxPool2x2AVX512(y *float32, arg *int32, x *float32, w, oh, ow int, bias float32, relu uint32)
//
// Pools one plane: y[oy*ow+ox] = max of x's window at (2oy, 2ox), arg its offset
// in the plane (first maximum in row-major order; NaN propagates), then y += bias
// and, when relu != 0, y = max(y, 0).
TEXT ·maxPool2x2AVX512(SB), NOSPLIT, $16-56
	MOVQ y+0(FP), DI
	MOVQ arg+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ w+24(FP), R9
	MOVQ oh+32(FP), R10
	VMOVUPS poolEven<>(SB), Z20
	VMOVUPS poolOdd<>(SB), Z21
	VPBROADCASTD R9, Z22        // w, as int32 lanes
	MOVL $1, AX
	VPBROADCASTD AX, Z23        // 1
	VPSUBD Z23, Z21, Z24        // 0,2,4,...,30: the even column of each output
	VBROADCASTSS bias+48(FP), Z25
	VXORPS Z26, Z26, Z26
	MOVL relu+52(FP), R15
	MOVQ ow+40(FP), CX
	ANDQ $15, CX
	JEQ  mpnotail
	TAILMASKS

mpnotail:
	XORQ R11, R11               // oy

mprow:
	CMPQ R11, R10
	JGE  mpdone
	// row pointers: r0 = x + 2*oy*w, r1 = r0 + w; base = 2*oy*w
	MOVQ R11, R12
	SHLQ $1, R12
	IMULQ R9, R12               // base
	LEAQ (SI)(R12*4), BX        // r0
	LEAQ (BX)(R9*4), R13        // r1
	XORQ R14, R14               // ox

mpblk:
	MOVQ ow+40(FP), CX
	SUBQ R14, CX
	JLE  mpnextrow
	BLOCKMASKS
	LEAQ (BX)(R14*8), AX        // r0 + 2*ox
	VMOVUPS.Z (AX), K3, Z0
	VMOVUPS.Z 64(AX), K4, Z1
	LEAQ (R13)(R14*8), AX
	VMOVUPS.Z (AX), K3, Z2
	VMOVUPS.Z 64(AX), K4, Z3
	VMOVAPS Z0, Z4
	VPERMT2PS Z1, Z20, Z4       // a: row 0, even columns
	VPERMT2PS Z1, Z21, Z0       // b: row 0, odd columns
	VMOVAPS Z2, Z5
	VPERMT2PS Z3, Z20, Z5       // c
	VPERMT2PS Z3, Z21, Z2       // d
	// index of a: base + 2*(ox+lane)
	MOVQ R14, AX
	SHLQ $1, AX
	ADDQ R12, AX
	VPBROADCASTD AX, Z6
	VPADDD Z24, Z6, Z6          // i0 = index of a
	VPADDD Z22, Z6, Z7          // i1 = index of c
	// top pair: b wins if b > a or b is NaN
	VCMPPS $0x1e, Z4, Z0, K5    // b > a
	VCMPPS $3, Z0, Z0, K6       // b unordered
	KORW K6, K5, K5
	VBLENDMPS Z0, Z4, K5, Z8    // m0
	VPADDD Z23, Z6, K5, Z6
	VCMPPS $0x1e, Z5, Z2, K5    // d > c
	VCMPPS $3, Z2, Z2, K6
	KORW K6, K5, K5
	VBLENDMPS Z2, Z5, K5, Z9    // m1
	VPADDD Z23, Z7, K5, Z7
	VCMPPS $0x1e, Z8, Z9, K5    // m1 > m0
	VCMPPS $3, Z9, Z9, K6
	KORW K6, K5, K5
	VBLENDMPS Z9, Z8, K5, Z10
	VPBLENDMD Z7, Z6, K5, Z11
	VADDPS Z25, Z10, Z10
	TESTL R15, R15
	JEQ  mpst
	VMAXPS Z10, Z26, Z10        // max(0, y): a NaN y stays NaN

mpst:
	VMOVUPS Z10, K2, (DI)(R14*4)
	VMOVDQU32 Z11, K2, (R8)(R14*4)
	ADDQ $16, R14
	JMP  mpblk

mpnextrow:
	MOVQ ow+40(FP), AX
	LEAQ (DI)(AX*4), DI
	LEAQ (R8)(AX*4), R8
	INCQ R11
	JMP  mprow

mpdone:
	VZEROUPPER
	RET

// func maxPool2x2GradAVX512(dst *float32, gy *float32, y *float32, arg *int32, w, oh, ow int, relu uint32) float32
//
// The gradient of one pooled plane, dense: dst's rows 0..2*oh-1, columns
// 0..2*ow-1 (row stride w) are set to g at each window's argmax and 0 elsewhere;
// with relu != 0 only where y > 0. Returns the sum of the gradients routed.
TEXT ·maxPool2x2GradAVX512(SB), NOSPLIT, $16-68
	MOVQ dst+0(FP), DI
	MOVQ gy+8(FP), SI
	MOVQ y+16(FP), R8
	MOVQ arg+24(FP), R15
	MOVQ w+32(FP), R9
	MOVQ oh+40(FP), R10
	VMOVUPS poolLo<>(SB), Z20
	VMOVUPS poolHi<>(SB), Z21
	VMOVUPS poolOdd<>(SB), Z24
	MOVL $1, AX
	VPBROADCASTD AX, Z23        // 1
	VPSUBD Z23, Z24, Z24        // 0,2,...,30
	VPBROADCASTD R9, Z22        // w
	VPADDD Z23, Z22, Z19        // w+1
	VXORPS Z26, Z26, Z26
	VXORPS Z27, Z27, Z27        // sum
	MOVQ ow+48(FP), CX
	ANDQ $15, CX
	JEQ  mgnotail
	TAILMASKS

mgnotail:
	XORQ R11, R11               // oy

mgrow:
	CMPQ R11, R10
	JGE  mgdone
	MOVQ R11, R12
	SHLQ $1, R12
	IMULQ R9, R12               // base = 2*oy*w
	LEAQ (DI)(R12*4), BX        // row 0 of the window pair
	LEAQ (BX)(R9*4), R13        // row 1
	XORQ R14, R14               // ox

mgblk:
	MOVQ ow+48(FP), CX
	SUBQ R14, CX
	JLE  mgnextrow
	BLOCKMASKS
	MOVL relu+56(FP), AX
	TESTL AX, AX
	JEQ  mgnorelu
	VMOVUPS.Z (R8)(R14*4), K2, Z1
	VCMPPS $0x1e, Z26, Z1, K1   // y > 0
	KANDW K2, K1, K1
	JMP  mgload

mgnorelu:
	KMOVW K2, K1

mgload:
	VMOVUPS.Z (SI)(R14*4), K1, Z0   // g, zero where not routed
	VADDPS Z0, Z27, Z27
	VMOVDQU32.Z (R15)(R14*4), K2, Z5
	// code = arg - (base + 2*(ox+lane)): 0, 1, w or w+1
	MOVQ R14, AX
	SHLQ $1, AX
	ADDQ R12, AX
	VPBROADCASTD AX, Z6
	VPADDD Z24, Z6, Z6
	VPSUBD Z6, Z5, Z5
	VPCMPEQD Z26, Z5, K5
	VMOVAPS.Z Z0, K5, Z8        // row 0, even columns
	VPCMPEQD Z23, Z5, K5
	VMOVAPS.Z Z0, K5, Z9        // row 0, odd
	VPCMPEQD Z22, Z5, K5
	VMOVAPS.Z Z0, K5, Z10       // row 1, even
	VPCMPEQD Z19, Z5, K5
	VMOVAPS.Z Z0, K5, Z11       // row 1, odd
	VMOVAPS Z8, Z12
	VPERMT2PS Z9, Z20, Z12
	VPERMT2PS Z9, Z21, Z8
	VMOVAPS Z10, Z13
	VPERMT2PS Z11, Z20, Z13
	VPERMT2PS Z11, Z21, Z10
	LEAQ (BX)(R14*8), AX
	VMOVUPS Z12, K3, (AX)
	VMOVUPS Z8, K4, 64(AX)
	LEAQ (R13)(R14*8), AX
	VMOVUPS Z13, K3, (AX)
	VMOVUPS Z10, K4, 64(AX)
	ADDQ $16, R14
	JMP  mgblk

mgnextrow:
	MOVQ ow+48(FP), AX
	LEAQ (SI)(AX*4), SI
	LEAQ (R8)(AX*4), R8
	LEAQ (R15)(AX*4), R15
	INCQ R11
	JMP  mgrow

mgdone:
	VMOVAPS       Z27, Z0
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VADDPS        X1, X0, X0
	VMOVHLPS      X0, X0, X1
	VADDPS        X1, X0, X0
	VMOVSHDUP     X0, X1
	VADDSS        X1, X0, X0
	MOVSS X0, ret+64(FP)
	VZEROUPPER
	RET

// func maxPool2x2RowsAVX512(y *float32, arg *int32, x *float32, ldx, c, w, oh, ow int, bias *float32, relu uint32)
//
// 2x2, stride-2 max-pooling of a pixel-major map (the layout of a convolution
// computed as columns^T x weights^T): pixel (iy, ix) holds its c channels at
// x[(iy*w+ix)*ldx:]. Writes the pooled map pixel-major and dense, y[(oy*ow+ox)*c
// + ch] = max + bias[ch] (then max(., 0) when relu != 0), and arg the plane
// offset iy*w+ix of each maximum (first in row-major order; NaN propagates).
// Channels go 16 to a vector, so no shuffles are needed.
TEXT ·maxPool2x2RowsAVX512(SB), NOSPLIT, $0-76
	MOVQ y+0(FP), DI
	MOVQ arg+8(FP), R8
	MOVQ x+16(FP), SI
	MOVQ ldx+24(FP), R9
	SHLQ $2, R9                 // pixel stride in bytes
	MOVQ c+32(FP), R10
	MOVQ w+40(FP), R11
	MOVQ bias+64(FP), R12
	MOVL relu+72(FP), R15
	MOVL $1, AX
	VPBROADCASTD AX, Z23        // 1
	VPBROADCASTD R11, Z22       // w
	VXORPS Z26, Z26, Z26
	// K7: the channel mask of the last block, c%16 lanes (all when c%16 == 0)
	MOVQ R10, CX
	ANDQ $15, CX
	MOVL $0xffff, AX
	JEQ  prtail
	MOVL $1, AX
	SHLL CX, AX
	DECL AX

prtail:
	KMOVW AX, K7
	XORQ R13, R13               // oy

prrow:
	CMPQ R13, oh+48(FP)
	JGE  prdone
	XORQ R14, R14               // ox

prpix:
	CMPQ R14, ow+56(FP)
	JGE  prnextrow
	// p00 = 2*oy*w + 2*ox; BX = x + p00*ldx, DX = BX + w*ldx
	MOVQ R13, AX
	IMULQ R11, AX
	ADDQ R14, AX
	SHLQ $1, AX                 // p00
	VPBROADCASTD AX, Z6         // i0
	VPADDD Z22, Z6, Z7          // i1 = p00 + w
	IMULQ R9, AX
	LEAQ (SI)(AX*1), BX
	MOVQ R11, AX
	IMULQ R9, AX
	LEAQ (BX)(AX*1), DX
	XORQ CX, CX                 // channel

prblk:
	MOVQ R10, AX
	SUBQ CX, AX
	JLE  prnextpix
	KXNORW K1, K1, K1
	CMPQ AX, $16
	JGE  prfull
	KMOVW K7, K1

prfull:
	VMOVUPS.Z (BX)(CX*4), K1, Z0      // a
	ADDQ R9, BX
	VMOVUPS.Z (BX)(CX*4), K1, Z1      // b
	SUBQ R9, BX
	VMOVUPS.Z (DX)(CX*4), K1, Z2      // c
	ADDQ R9, DX
	VMOVUPS.Z (DX)(CX*4), K1, Z3      // d
	SUBQ R9, DX
	VMOVDQA32 Z6, Z8
	VMOVDQA32 Z7, Z9
	VCMPPS $0x1e, Z0, Z1, K5    // b > a
	VCMPPS $3, Z1, Z1, K6
	KORW K6, K5, K5
	VBLENDMPS Z1, Z0, K5, Z10   // m0
	VPADDD Z23, Z8, K5, Z8
	VCMPPS $0x1e, Z2, Z3, K5    // d > c
	VCMPPS $3, Z3, Z3, K6
	KORW K6, K5, K5
	VBLENDMPS Z3, Z2, K5, Z11   // m1
	VPADDD Z23, Z9, K5, Z9
	VCMPPS $0x1e, Z10, Z11, K5  // m1 > m0
	VCMPPS $3, Z11, Z11, K6
	KORW K6, K5, K5
	VBLENDMPS Z11, Z10, K5, Z12
	VPBLENDMD Z9, Z8, K5, Z13
	VMOVUPS.Z (R12)(CX*4), K1, Z14
	VADDPS Z14, Z12, Z12
	TESTL R15, R15
	JEQ  prst
	VMAXPS Z12, Z26, Z12

prst:
	VMOVUPS Z12, K1, (DI)(CX*4)
	VMOVDQU32 Z13, K1, (R8)(CX*4)
	ADDQ $16, CX
	JMP  prblk

prnextpix:
	LEAQ (DI)(R10*4), DI
	LEAQ (R8)(R10*4), R8
	INCQ R14
	JMP  prpix

prnextrow:
	INCQ R13
	JMP  prrow

prdone:
	VZEROUPPER
	RET
