//go:build !purego

#include "textflag.h"

DATA transIota<>+0(SB)/4, $0
DATA transIota<>+4(SB)/4, $1
DATA transIota<>+8(SB)/4, $2
DATA transIota<>+12(SB)/4, $3
DATA transIota<>+16(SB)/4, $4
DATA transIota<>+20(SB)/4, $5
DATA transIota<>+24(SB)/4, $6
DATA transIota<>+28(SB)/4, $7
DATA transIota<>+32(SB)/4, $8
DATA transIota<>+36(SB)/4, $9
DATA transIota<>+40(SB)/4, $10
DATA transIota<>+44(SB)/4, $11
DATA transIota<>+48(SB)/4, $12
DATA transIota<>+52(SB)/4, $13
DATA transIota<>+56(SB)/4, $14
DATA transIota<>+60(SB)/4, $15
GLOBL transIota<>(SB), RODATA|NOPTR, $64

// func transposeAVX512(dst, src *uint32, rows, cols int)
//
// dst (cols, rows) = src (rows, cols)^T for 4-byte elements: each destination
// row is filled 16 elements at a time by one gather down a source column (lane
// j reads src[(r0+j)*cols + c]) and one store, masked at the row's end.
TEXT ·transposeAVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), R8
	MOVQ cols+24(FP), R9
	// Z1 = lane * cols, the gather offsets of one block (in elements)
	VPBROADCASTD R9, Z4         // cols
	VMOVDQU32 transIota<>(SB), Z1
	VPMULLD Z4, Z1, Z1
	MOVQ R9, R10
	SHLQ $4, R10
	SHLQ $2, R10                // bytes between blocks of 16 source rows
	// K7: the mask of the last block of a destination row
	MOVQ R8, CX
	ANDQ $15, CX
	MOVL $0xffff, AX
	JEQ  trtail
	MOVL $1, AX
	SHLL CX, AX
	DECL AX

trtail:
	KMOVW AX, K7
	XORQ R11, R11               // c

trcol:
	CMPQ R11, R9
	JGE  trdone
	LEAQ (SI)(R11*4), BX        // src column c, row 0
	XORQ R12, R12               // r0

trblk:
	MOVQ R8, AX
	SUBQ R12, AX
	JLE  trnext
	KXNORW K1, K1, K1
	CMPQ AX, $16
	JGE  trfull
	KMOVW K7, K1

trfull:
	KMOVW K1, K2
	VPXORD Z0, Z0, Z0
	VPGATHERDD (BX)(Z1*4), K2, Z0
	VMOVDQU32 Z0, K1, (DI)(R12*4)
	ADDQ R10, BX
	ADDQ $16, R12
	JMP  trblk

trnext:
	LEAQ (DI)(R8*4), DI
	INCQ R11
	JMP  trcol

trdone:
	VZEROUPPER
	RET
