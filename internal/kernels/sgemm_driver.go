package kernels

import (
	"fmt"
	"runtime"
	"sync"
)

// workspace holds one worker's packing buffers.
type workspace struct {
	ap   []float32 // one A panel, mr x kc
	bp   []float32 // one B block, kc x roundup(nc, nr)
	tile []float32 // an mr x nr scratch tile for edge tiles
}

// Free lists of workspaces and K-split partial buffers. Not sync.Pools: the
// collector empties those every other cycle, and a training loop collects often
// enough that the 1.5 MiB B blocks would be reallocated again and again. At most
// freeMax of each are kept; more only exist while that many chunks run at once.
const freeMax = 16

var (
	wsFree      = make(chan *workspace, freeMax)
	partialFree = make(chan *[]float32, freeMax)
)

func getWorkspace(kn *kernel) *workspace {
	var ws *workspace
	select {
	case ws = <-wsFree:
	default:
		ws = new(workspace)
	}
	ws.ap = grow(ws.ap, kn.mr*kn.kc)
	ws.bp = grow(ws.bp, kn.kc*((kn.nc+kn.nr-1)/kn.nr)*kn.nr)
	ws.tile = grow(ws.tile, kn.mr*kn.nr)
	return ws
}

func putWorkspace(ws *workspace) {
	select {
	case wsFree <- ws:
	default:
	}
}

func getPartial(n int) *[]float32 {
	var p *[]float32
	select {
	case p = <-partialFree:
	default:
		p = new([]float32)
	}
	*p = grow(*p, n)
	return p
}

func putPartial(p *[]float32) {
	select {
	case partialFree <- p:
	default:
	}
}

// grow returns s with length n, reusing its storage when large enough.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// gemmBlocked computes C = alpha*op(A)*op(B) + beta*C on the calling goroutine
// with kernel kn: the loops around the micro-kernel (see doc.go). a, b and c
// start at the sub-problem's origin.
//
// Full A panels are read in place when the kernel takes strides: measured on
// Zen 5, copying them costs more than it saves, since the kernel's broadcasts
// hide the strided reads. The exception is a non-transposed A whose rows are a
// multiple of 1 KiB apart and that is reused for more than 4 B panels: its rows
// then share a few L1 sets and evict each other on every pass, and packing wins
// (1024^3: ~130 vs ~110 GFLOPS per CPU-second). With few passes in-place still
// wins (288x64, k=173056, lda=173056: 135-142 vs 82-107).
func gemmBlocked(kn *kernel, ws *workspace, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	mr, nr := kn.mr, kn.nr
	micro := kn.micro
	for jc := 0; jc < n; jc += kn.nc {
		nc := min(kn.nc, n-jc)
		for pc := 0; pc < k; pc += kn.kc {
			kc := min(kn.kc, k-pc)
			bet := beta
			if pc > 0 {
				bet = 1
			}
			packB(kn, ws.bp, b, ldb, transB, pc, jc, kc, nc, alpha)
			for ic := 0; ic < m; ic += mr {
				rows := min(mr, m-ic)
				ap, rsa, csa := ws.ap, 1, mr
				switch {
				case rows < mr || !kn.stridedA || (!transA && lda%256 == 0 && nc > 4*nr):
					packA(kn, ws.ap, a, lda, transA, ic, pc, rows, kc)
				case transA:
					ap, csa = a[pc*lda+ic:], lda
				default:
					ap, rsa, csa = a[ic*lda+pc:], lda, 1
				}
				for jr := 0; jr < nc; jr += nr {
					cols := min(nr, nc-jr)
					bp := ws.bp[jr*kc:]
					ct := c[ic*ldc+jc+jr:]
					if rows == mr && cols == nr {
						micro(ap, rsa, csa, bp, ct, kc, ldc, bet)
						continue
					}
					micro(ap, rsa, csa, bp, ws.tile, kc, nr, 0)
					mergeTile(ct, ldc, ws.tile, nr, rows, cols, bet)
				}
			}
		}
	}
}

// mergeTile sets C[0:rows, 0:cols] = T + beta*C, not reading C when beta == 0.
func mergeTile(c []float32, ldc int, t []float32, ldt, rows, cols int, beta float32) {
	for i := 0; i < rows; i++ {
		cr := c[i*ldc : i*ldc+cols]
		tr := t[i*ldt : i*ldt+cols]
		switch beta {
		case 0:
			copy(cr, tr)
		case 1:
			for j, v := range tr {
				cr[j] += v
			}
		default:
			for j, v := range tr {
				cr[j] = v + beta*cr[j]
			}
		}
	}
}

// split says which dimension of the problem is divided among workers.
type split uint8

const (
	splitNone split = iota
	splitM          // rows of C, in whole A panels; each worker packs all of B
	splitN          // columns of C, in whole B panels; each worker packs all of A
	splitK          // the inner dimension; workers >0 write partial products
)

func (s split) String() string {
	switch s {
	case splitNone:
		return "none"
	case splitM:
		return "M"
	case splitN:
		return "N"
	case splitK:
		return "K"
	}
	return fmt.Sprintf("split(%d)", uint8(s))
}

// kSplitMaxC bounds the extra memory of the K split, whose chunks after the
// first each need an m x n buffer (floats).
const kSplitMaxC = 1 << 20

// Dynamic chunking: a split gives each worker up to chunksPerWorker chunks, which
// the caller and the borrowed workers take in turn, so that a worker whose thread
// the OS preempts (the machine is shared) holds back at most a small part of the
// call. A chunk of an M (N) split packs all of B (A) again, so chunks keep at
// least chunkMin rows (columns): packing then costs under ~5% of the chunk's
// multiply. K-split chunks are bounded by kSplitMaxC and by 2*kc of depth.
const (
	chunksPerWorker = 4
	chunkMin        = 512
)

// choosePlan picks how to divide a call among up to workers goroutines and into
// how many chunks.
func choosePlan(kn *kernel, m, n, k, workers int) (split, int) {
	if workers <= 1 || 2*m*n*k < kn.parFlops {
		return splitNone, 1
	}
	tm := (m + kn.mr - 1) / kn.mr
	tn := (n + kn.nr - 1) / kn.nr
	chunks := func(extent, tiles int) int {
		return min(tiles, max(workers, min(chunksPerWorker*workers, extent/chunkMin)))
	}
	// A split of M or N makes every chunk pack the whole other operand; when k
	// dominates, splitting K packs each element once and the extra cost is only
	// reducing small m x n partial products.
	if m*n <= kSplitMaxC && k >= 2*kn.kc && (k >= 8*max(m, n) || (tm < workers && tn < workers)) {
		parts := min(chunksPerWorker*workers, k/(2*kn.kc), 1+kSplitMaxC/(m*n))
		return splitK, max(parts, min(workers, k/kn.kc))
	}
	if tm >= workers && (m >= n || tn < workers) {
		return splitM, chunks(m, tm)
	}
	if tn >= workers {
		return splitN, chunks(n, tn)
	}
	if tm >= 2 {
		return splitM, tm
	}
	if tn >= 2 {
		return splitN, tn
	}
	return splitNone, 1
}

// gemmJob is one parallel Sgemm call; it implements chunkRunner.
type gemmJob struct {
	kn             *kernel
	transA, transB bool
	m, n, k        int
	alpha, beta    float32
	a, b, c        []float32
	lda, ldb, ldc  int
	split          split
	parts          int
	partial        []*[]float32 // K split: m*n buffers of workers 1..parts-1
}

var gemmJobPool = sync.Pool{New: func() any { return new(gemmJob) }}

// bounds returns the sub-range [lo, hi) of a length-n dimension for part c of
// parts, in whole units.
func bounds(c, parts, n, unit int) (lo, hi int) {
	units := (n + unit - 1) / unit
	lo = min(c*units/parts*unit, n)
	hi = min((c+1)*units/parts*unit, n)
	return lo, hi
}

func (g *gemmJob) runChunk(ch int) {
	ws := getWorkspace(g.kn)
	defer putWorkspace(ws)
	a, b, c := g.a, g.b, g.c
	switch g.split {
	case splitM:
		lo, hi := bounds(ch, g.parts, g.m, g.kn.mr)
		if g.transA {
			a = a[lo:]
		} else {
			a = a[lo*g.lda:]
		}
		gemmBlocked(g.kn, ws, g.transA, g.transB, hi-lo, g.n, g.k, g.alpha, a, g.lda, b, g.ldb, g.beta, c[lo*g.ldc:], g.ldc)
	case splitN:
		lo, hi := bounds(ch, g.parts, g.n, g.kn.nr)
		if g.transB {
			b = b[lo*g.ldb:]
		} else {
			b = b[lo:]
		}
		gemmBlocked(g.kn, ws, g.transA, g.transB, g.m, hi-lo, g.k, g.alpha, a, g.lda, b, g.ldb, g.beta, c[lo:], g.ldc)
	case splitK:
		lo, hi := bounds(ch, g.parts, g.k, 1)
		if g.transA {
			a = a[lo*g.lda:]
		} else {
			a = a[lo:]
		}
		if g.transB {
			b = b[lo:]
		} else {
			b = b[lo*g.ldb:]
		}
		if ch == 0 {
			gemmBlocked(g.kn, ws, g.transA, g.transB, g.m, g.n, hi-lo, g.alpha, a, g.lda, b, g.ldb, g.beta, c, g.ldc)
			return
		}
		gemmBlocked(g.kn, ws, g.transA, g.transB, g.m, g.n, hi-lo, g.alpha, a, g.lda, b, g.ldb, 0, *g.partial[ch-1], g.n)
	default:
		gemmBlocked(g.kn, ws, g.transA, g.transB, g.m, g.n, g.k, g.alpha, a, g.lda, b, g.ldb, g.beta, c, g.ldc)
	}
}

// sgemm runs a validated, non-trivial call with kernel kn.
func sgemm(kn *kernel, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	sp, parts := choosePlan(kn, m, n, k, runtime.GOMAXPROCS(0))
	if sp == splitNone {
		ws := getWorkspace(kn)
		gemmBlocked(kn, ws, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		putWorkspace(ws)
		return
	}
	g := gemmJobPool.Get().(*gemmJob)
	*g = gemmJob{kn: kn, transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, beta: beta,
		a: a, b: b, c: c, lda: lda, ldb: ldb, ldc: ldc, split: sp, parts: parts, partial: g.partial[:0]}
	if sp == splitK {
		for i := 1; i < parts; i++ {
			g.partial = append(g.partial, getPartial(m*n))
		}
	}
	runTask(g, parts)
	if sp == splitK {
		for _, p := range g.partial {
			addInto(m, n, c, ldc, *p)
			putPartial(p)
		}
	}
	clear(g.partial)
	*g = gemmJob{partial: g.partial[:0]}
	gemmJobPool.Put(g)
}

// addInto adds the dense m x n matrix p into C.
func addInto(m, n int, c []float32, ldc int, p []float32) {
	for i := 0; i < m; i++ {
		cr := c[i*ldc : i*ldc+n]
		pr := p[i*n : i*n+n]
		for j, v := range pr {
			cr[j] += v
		}
	}
}
