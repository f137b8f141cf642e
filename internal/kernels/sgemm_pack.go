package kernels

// Packing copies a block of A or B into the layout the micro-kernel streams: one
// contiguous panel per register-tile row block (A) or column block (B), k-major,
// zero padded to the full tile so that the kernel never needs edge cases. alpha is
// folded into A while packing.

// packA packs rows [i0, i0+rows) and columns [p0, p0+kc) of op(A) into one panel:
// dst[p*mr+r] = alpha*op(A)[i0+r, p0+p], zero for rows <= r < mr.
func packA(dst, a []float32, lda int, transA bool, i0, p0, rows, kc, mr int, alpha float32) {
	dst = dst[:kc*mr]
	if transA {
		// op(A)[i, p] = a[p*lda+i]: each k step is a contiguous run of rows.
		for p := 0; p < kc; p++ {
			src := a[(p0+p)*lda+i0:]
			src = src[:rows]
			d := dst[p*mr : p*mr+mr]
			if alpha == 1 {
				copy(d, src)
			} else {
				for r, v := range src {
					d[r] = alpha * v
				}
			}
			clear(d[rows:])
		}
		return
	}
	switch {
	case mr == 12 && rows == 12:
		packA12(dst, a, lda, i0, p0, kc, alpha)
		return
	case mr == 6 && rows == 6:
		packA6(dst, a, lda, i0, p0, kc, alpha)
		return
	}
	// op(A)[i, p] = a[i*lda+p]: read each row contiguously, scatter with stride mr.
	for r := 0; r < rows; r++ {
		src := a[(i0+r)*lda+p0:]
		src = src[:kc]
		d := dst[r:]
		if alpha == 1 {
			for p, v := range src {
				d[p*mr] = v
			}
		} else {
			for p, v := range src {
				d[p*mr] = alpha * v
			}
		}
	}
	for r := rows; r < mr; r++ {
		for p := 0; p < kc; p++ {
			dst[p*mr+r] = 0
		}
	}
}

// packA12 packs a full 12-row panel of non-transposed A.
func packA12(dst, a []float32, lda, i0, p0, kc int, alpha float32) {
	base := i0*lda + p0
	r0 := a[base : base+kc]
	r1 := a[base+lda : base+lda+kc]
	r2 := a[base+2*lda : base+2*lda+kc]
	r3 := a[base+3*lda : base+3*lda+kc]
	r4 := a[base+4*lda : base+4*lda+kc]
	r5 := a[base+5*lda : base+5*lda+kc]
	r6 := a[base+6*lda : base+6*lda+kc]
	r7 := a[base+7*lda : base+7*lda+kc]
	r8 := a[base+8*lda : base+8*lda+kc]
	r9 := a[base+9*lda : base+9*lda+kc]
	r10 := a[base+10*lda : base+10*lda+kc]
	r11 := a[base+11*lda : base+11*lda+kc]
	dst = dst[:kc*12]
	for p := range r0 {
		d := dst[p*12 : p*12+12 : p*12+12]
		d[0], d[1], d[2], d[3] = r0[p], r1[p], r2[p], r3[p]
		d[4], d[5], d[6], d[7] = r4[p], r5[p], r6[p], r7[p]
		d[8], d[9], d[10], d[11] = r8[p], r9[p], r10[p], r11[p]
	}
	if alpha != 1 {
		for i := range dst {
			dst[i] *= alpha
		}
	}
}

// packA6 packs a full 6-row panel of non-transposed A.
func packA6(dst, a []float32, lda, i0, p0, kc int, alpha float32) {
	base := i0*lda + p0
	r0 := a[base : base+kc]
	r1 := a[base+lda : base+lda+kc]
	r2 := a[base+2*lda : base+2*lda+kc]
	r3 := a[base+3*lda : base+3*lda+kc]
	r4 := a[base+4*lda : base+4*lda+kc]
	r5 := a[base+5*lda : base+5*lda+kc]
	dst = dst[:kc*6]
	for p := range r0 {
		d := dst[p*6 : p*6+6 : p*6+6]
		d[0], d[1], d[2], d[3], d[4], d[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
	if alpha != 1 {
		for i := range dst {
			dst[i] *= alpha
		}
	}
}

// packB packs rows [p0, p0+kc) and columns [j0, j0+cols) of op(B) into
// ceil(cols/nr) consecutive panels of kc*nr values: panel q holds
// dst[q*kc*nr + p*nr + j] = op(B)[p0+p, j0+q*nr+j], zero past column cols.
func packB(dst, b []float32, ldb int, transB bool, p0, j0, kc, cols, nr int) {
	for q := 0; q*nr < cols; q++ {
		w := min(nr, cols-q*nr)
		d := dst[q*kc*nr : (q+1)*kc*nr]
		jq := j0 + q*nr
		if !transB {
			// op(B)[p, j] = b[p*ldb+j]: each k step is a contiguous run.
			for p := 0; p < kc; p++ {
				dp := d[p*nr : p*nr+nr]
				copy(dp, b[(p0+p)*ldb+jq:(p0+p)*ldb+jq+w])
				clear(dp[w:])
			}
			continue
		}
		// op(B)[p, j] = b[j*ldb+p]: read each column's run, scatter with stride nr.
		for j := 0; j < w; j++ {
			src := b[(jq+j)*ldb+p0:]
			src = src[:kc]
			dj := d[j:]
			for p, v := range src {
				dj[p*nr] = v
			}
		}
		for j := w; j < nr; j++ {
			for p := 0; p < kc; p++ {
				d[p*nr+j] = 0
			}
		}
	}
}
