//go:build !purego

#include "textflag.h"

// Vector forms of the SGD-with-momentum and Adam updates, 16 floats at a time,
// with the same operation order and the same single-rounding fused
// multiply-adds as the Go loops in sgd.go and adam.go (and PyTorch's CPU
// kernels), so results are bit-identical to them. n is a multiple of 16.

// func sgdMomentumAVX512(w, grad, buf *float32, n int, nlr, wd, mom, damp1 float32, wdOn, nesterov, first int)
TEXT ·sgdMomentumAVX512(SB), NOSPLIT, $0-72
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ buf+16(FP), DX
	MOVQ n+24(FP), CX
	VBROADCASTSS nlr+32(FP), Z10
	VBROADCASTSS wd+36(FP), Z11
	VBROADCASTSS mom+40(FP), Z12
	VBROADCASTSS damp1+44(FP), Z13
	MOVQ wdOn+48(FP), R10
	MOVQ nesterov+56(FP), R8
	MOVQ first+64(FP), R9
	SHRQ $4, CX
	JZ   sgddone

sgdloop:
	VMOVUPS (DI), Z0 // p
	VMOVUPS (SI), Z1 // d = g
	TESTQ   R10, R10
	JZ      sgdnowd
	VFMADD231PS Z0, Z11, Z1 // d = wd*p + d

sgdnowd:
	TESTQ R9, R9
	JNZ   sgdfirst
	VMULPS      (DX), Z12, Z2 // b = buf*mom
	VFMADD231PS Z1, Z13, Z2   // b = damp1*d + b
	JMP         sgdstore

sgdfirst:
	VMOVAPS Z1, Z2

sgdstore:
	VMOVUPS Z2, (DX)
	TESTQ   R8, R8
	JZ      sgdplain
	VFMADD231PS Z2, Z12, Z1 // d = mom*b + d
	JMP         sgdupdate

sgdplain:
	VMOVAPS Z2, Z1

sgdupdate:
	VFMADD231PS Z1, Z10, Z0 // p = nlr*d + p
	VMOVUPS     Z0, (DI)
	ADDQ        $64, DI
	ADDQ        $64, SI
	ADDQ        $64, DX
	DECQ        CX
	JNZ         sgdloop

sgddone:
	VZEROUPPER
	RET

// func adamAVX512(w, grad, m, v *float32, n int, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep float32, l2On, decayOn int)
TEXT ·adamAVX512(SB), NOSPLIT, $0-96
	MOVQ w+0(FP), DI
	MOVQ grad+8(FP), SI
	MOVQ m+16(FP), DX
	MOVQ v+24(FP), BX
	MOVQ n+32(FP), CX
	VBROADCASTSS l2+40(FP), Z20
	VBROADCASTSS decay+44(FP), Z21
	VBROADCASTSS b1+48(FP), Z22
	VBROADCASTSS b2+52(FP), Z23
	VBROADCASTSS c1+56(FP), Z24
	VBROADCASTSS c2+60(FP), Z25
	VBROADCASTSS bc2sqrt+64(FP), Z26
	VBROADCASTSS eps+68(FP), Z27
	VBROADCASTSS nstep+72(FP), Z28
	MOVQ l2On+80(FP), R8
	MOVQ decayOn+88(FP), R9
	SHRQ $4, CX
	JZ   adamdone

adamloop:
	VMOVUPS (DI), Z0 // p
	VMOVUPS (SI), Z1 // g
	TESTQ   R8, R8
	JZ      adamnol2
	VFMADD231PS Z0, Z20, Z1 // g = l2*p + g

adamnol2:
	TESTQ R9, R9
	JZ    adamnodecay
	VMULPS Z21, Z0, Z0 // p = p*decay

adamnodecay:
	VMULPS      (DX), Z22, Z2 // m*b1
	VFMADD231PS Z1, Z24, Z2   // mi = c1*g + m*b1
	VMULPS      Z1, Z25, Z3   // u = c2*g
	VMULPS      (BX), Z23, Z4 // v*b2
	VFMADD231PS Z1, Z3, Z4    // vi = u*g + v*b2
	VMOVUPS     Z2, (DX)
	VMOVUPS     Z4, (BX)
	VSQRTPS     Z4, Z5
	VDIVPS      Z26, Z5, Z5 // sqrt(vi)/bc2sqrt
	VADDPS      Z27, Z5, Z5 // + eps
	VMULPS      Z28, Z2, Z6 // nstep*mi
	VDIVPS      Z5, Z6, Z6  // / den
	VADDPS      Z6, Z0, Z0  // p + ...
	VMOVUPS     Z0, (DI)
	ADDQ        $64, DI
	ADDQ        $64, SI
	ADDQ        $64, DX
	ADDQ        $64, BX
	DECQ        CX
	JNZ         adamloop

adamdone:
	VZEROUPPER
	RET
