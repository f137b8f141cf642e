package kernels

// Packing copies a block of A or B into the layout the micro-kernel streams: one
// contiguous panel per register-tile row block (A) or column block (B), k-major,
// zero padded to the full tile so that the kernel never needs edge cases. alpha is
// folded into B while packing (A panels of a transposed A may be read in place).
//
// Two of the four cases are plain copies of contiguous runs (transposed A,
// non-transposed B). The other two are transpositions: a panel row gathers one
// element from each of mr (or nr) stored rows. Those go through interleave, which
// the assembly paths replace with a SIMD 4x4-transpose routine.

// interleaver writes dst[p*ds+r] = alpha*src[r*lda+p] for r < 4 and p < cols.
type interleaver func(dst, src []float32, ds, lda, cols int, alpha float32)

// interleave writes dst[p*ds+r] = alpha*src[r*lda+p] for r < rows, p < cols, using
// il (if not nil) for each group of four rows.
func interleave(il interleaver, dst, src []float32, ds, lda, rows, cols int, alpha float32) {
	r := 0
	if il != nil {
		for ; r+4 <= rows; r += 4 {
			il(dst[r:], src[r*lda:], ds, lda, cols, alpha)
		}
	}
	for ; r+4 <= rows; r += 4 {
		interleave4Go(dst[r:], src[r*lda:], ds, lda, cols, alpha)
	}
	for ; r < rows; r++ {
		s := src[r*lda:]
		s = s[:cols]
		d := dst[r:]
		if alpha == 1 {
			for p, v := range s {
				d[p*ds] = v
			}
		} else {
			for p, v := range s {
				d[p*ds] = alpha * v
			}
		}
	}
}

// interleave4Go is the portable interleaver: four rows per pass, so that each
// step reads four streams and writes four adjacent values.
func interleave4Go(dst, src []float32, ds, lda, cols int, alpha float32) {
	s0 := src[:cols]
	s1 := src[lda:][:len(s0)]
	s2 := src[2*lda:][:len(s0)]
	s3 := src[3*lda:][:len(s0)]
	for p := range s0 {
		d := (*[4]float32)(dst[p*ds:])
		if alpha == 1 {
			d[0], d[1], d[2], d[3] = s0[p], s1[p], s2[p], s3[p]
		} else {
			d[0], d[1], d[2], d[3] = alpha*s0[p], alpha*s1[p], alpha*s2[p], alpha*s3[p]
		}
	}
}

// zeroRows clears dst[p*ds+r] for from <= r < to and p < cols.
func zeroRows(dst []float32, ds, from, to, cols int) {
	if from >= to {
		return
	}
	for p := 0; p < cols; p++ {
		clear(dst[p*ds+from : p*ds+to])
	}
}

// packA packs rows [i0, i0+rows) and columns [p0, p0+kc) of op(A) into one panel:
// dst[p*mr+r] = op(A)[i0+r, p0+p], zero for rows <= r < mr.
func packA(kn *kernel, dst, a []float32, lda int, transA bool, i0, p0, rows, kc int) {
	mr := kn.mr
	dst = dst[:kc*mr]
	if !transA {
		// op(A)[i, p] = a[i*lda+p]: a transposition.
		interleave(kn.interleave4, dst, a[i0*lda+p0:], mr, lda, rows, kc, 1)
		zeroRows(dst, mr, rows, mr, kc)
		return
	}
	// op(A)[i, p] = a[p*lda+i]: each k step is a contiguous run of rows.
	for p := 0; p < kc; p++ {
		src := a[(p0+p)*lda+i0:]
		src = src[:rows]
		d := dst[p*mr : p*mr+mr]
		copy(d, src)
		clear(d[rows:])
	}
}

// packB packs rows [p0, p0+kc) and columns [j0, j0+cols) of op(B) into
// ceil(cols/nr) consecutive panels of kc*nr values: panel q holds
// dst[q*kc*nr + p*nr + j] = alpha*op(B)[p0+p, j0+q*nr+j], zero past column cols.
func packB(kn *kernel, dst, b []float32, ldb int, transB bool, p0, j0, kc, cols int, alpha float32) {
	nr := kn.nr
	panels := (cols + nr - 1) / nr
	if !transB {
		// op(B)[p, j] = b[p*ldb+j]: read each stored row once, front to back, and
		// deal it out to the panels.
		for p := 0; p < kc; p++ {
			row := b[(p0+p)*ldb+j0:]
			row = row[:cols]
			for q := 0; q < panels; q++ {
				d := dst[q*kc*nr+p*nr : q*kc*nr+p*nr+nr]
				n := copy(d, row[q*nr:])
				clear(d[n:])
				if alpha != 1 {
					for i := range d[:n] {
						d[i] *= alpha
					}
				}
			}
		}
		return
	}
	// op(B)[p, j] = b[j*ldb+p]: a transposition per panel.
	for q := 0; q < panels; q++ {
		w := min(nr, cols-q*nr)
		d := dst[q*kc*nr : (q+1)*kc*nr]
		interleave(kn.interleave4, d, b[(j0+q*nr)*ldb+p0:], nr, ldb, w, kc, alpha)
		zeroRows(d, nr, w, nr, kc)
	}
}
