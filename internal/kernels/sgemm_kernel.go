package kernels

// kernel describes one SGEMM path: the register tile of its micro-kernel and the
// cache blocking around it (see the package documentation).
type kernel struct {
	isa isa
	mr  int // rows of the register tile: A panel height
	nr  int // columns of the register tile: B panel width
	kc  int // depth of packed panels; an A panel mr x kc lives in L1
	nc  int // columns of the packed B block kc x nc, which lives in L2

	// parFlops is the size (2*m*n*k) below which a call runs on the caller only.
	parFlops int

	// micro computes C[0:mr, 0:nr] = A*Bp + beta*C, where A is an mr x kc panel
	// whose element (r, p) is a[r*rsa+p*csa], Bp a packed kc x nr panel (nr
	// values per k step), and C has row stride ldc. beta == 0 means C is not
	// read. A packed panel has rsa=1, csa=mr.
	micro func(a []float32, rsa, csa int, bp, c []float32, kc, ldc int, beta float32)

	// stridedA says micro accepts any rsa and csa, so that full panels of a
	// transposed A (mr contiguous values per k step) are read in place instead
	// of packed: copying them costs as much as multiplying them when n is small.
	stridedA bool

	// interleave4 transposes four rows while packing; nil means plain Go.
	interleave4 interleaver
}
