// Package kernels holds the numeric kernels the tensor engine stands on: float32
// matrix multiplication (Sgemm), the worker pool that spreads work over the cores
// (Parallel), and the distance kernels of nearest-neighbour search (Dot, L2Sq,
// DotU8). Everything here works on plain []float32 with explicit strides; shapes
// are checked and misuse panics with a "kernels:" message.
//
// # Sgemm
//
// Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) computes
// C = alpha*op(A)*op(B) + beta*C for row-major matrices: op(A) is (m, k), op(B)
// is (k, n), C is (m, n), and lda, ldb, ldc are the row strides as stored. With
// beta == 0, C is written without being read, so NaNs in C do not propagate.
//
// The structure is that of Goto and van de Geijn, "Anatomy of high-performance
// matrix multiplication" (ACM TOMS 34(3), 2008), in the loop order of BLIS (Van
// Zee and van de Geijn, ACM TOMS 41(3), 2015): a micro-kernel in assembly keeps
// an mr x nr tile of C in registers and streams a k-major panel of A (mr values
// per k step, broadcast one at a time) against a packed panel of B (nr values per
// k step, loaded as vectors); Go code around it blocks the problem so that each
// operand sits in the cache level that feeds it:
//
//	for jc := 0; jc < n; jc += nc        // B block columns
//	  for pc := 0; pc < k; pc += kc      // depth; beta applies at pc == 0 only
//	    pack B[pc:pc+kc, jc:jc+nc]       // kc x nc, nr-wide panels: L2/L3
//	    for ic := 0; ic < m; ic += mr    // one A panel, mr x kc: L1
//	      pack or point at A[ic:ic+mr, pc:pc+kc]
//	      for jr := 0; jr < nc; jr += nr // B panel kc x nr, streamed from L2
//	        micro-kernel: C[ic:ic+mr, jc+jr:jc+jr+nr] += A panel * B panel
//
// Packing writes each panel in exactly the order the kernel reads it and pads
// edge panels with zeros, so the kernel has no edge cases: edge tiles of C are
// computed into a scratch tile and merged. alpha is folded into B while packing.
// All four transpose cases reduce to two packing patterns: contiguous copies
// (op(B) rows of a non-transposed B) and transpositions (columns of a transposed
// B), the latter through a SIMD 4x4-in-lane transpose in assembly, since plain
// Go moves about 1.5 G elements/s per core that way, as slow as the multiply on
// the skinny convolution shapes.
//
// Full A panels are not packed but read in place: the kernels take a row and a
// k-step stride for A, and the broadcasts hide strided reads well. Measured on
// Zen 5 this wins clearly where A is used for few columns (convolution weight
// gradient, transposed A: 74 -> 139 GFLOPS per CPU-second; forward, n=64:
// 80 -> 105) and on general squares (1040^3: 105 -> 130). The exception is a
// non-transposed A whose rows are a multiple of 1 KiB apart (lda % 256 == 0)
// and which is reused across more than four B panels: its rows then share a few
// L1 sets and evict each other on every pass, and packing wins.
//
// # Tiles and blocking
//
// AVX-512 (12x32): 24 zmm accumulators, 2 registers for B and 6 rotating
// broadcasts of A fill the 32 zmm registers. Per k step the kernel issues two
// 64-byte loads, twelve broadcasts and 24 FMAs, which is 12 cycles on Zen 5's two
// 512-bit FMA pipes; 14 loads in 12 cycles stay well within its load ports, and 24
// independent accumulators cover the 4-cycle FMA latency many times over. kc=384
// puts an A panel at 18 KiB, a third of the 48 KiB L1d, so it survives the B
// stream; nc=1024 makes the B block 1.5 MiB, larger than the 1 MiB L2, but it
// beat smaller blocks on 1024^3 because A is then packed (where it is) once per
// depth block instead of once per column block. The kernel alone sustains
// ~200 GFLOPS per CPU-second per core on the (shared) benchmark machine, whose
// add-chain test shows ~3.3 GHz effective, i.e. ~95% of 64 FLOPs/cycle.
//
// AVX2+FMA (6x16): 12 ymm accumulators, 2 for B, 2 broadcasts: the 16 ymm
// registers. Same blocking (kc=384, nc=1024, measured best). ~97 GFLOPS per
// CPU-second per core for the kernel alone (of 105).
//
// Generic (4x4, plain Go): packed like the others; the tile is computed as two
// 2x4 halves because sixteen scalar accumulators spill on amd64's 15 usable XMM
// registers (halves run twice as fast). About 5 GFLOPS per core: the path for
// non-amd64 CPUs and the purego build, and the reference for the others.
//
// # Dispatch
//
// The path is chosen once at start-up with golang.org/x/sys/cpu: AVX-512 when
// X86.HasAVX512F (which also requires the OS to save the zmm state), else AVX2
// when X86.HasAVX2 && X86.HasFMA, else generic. Path reports the choice
// ("avx512", "avx2", "generic") for benchmark metadata. The build tag purego
// removes the assembly (the files carrying it are tagged !purego) and leaves the
// generic path, as does any GOARCH but amd64. Tests run every path the machine
// has through an internal switch, against a float64 triple loop.
//
// # Parallelism
//
// A call of at least 2^18 FLOPs (2^16 on the generic path) is split over
// GOMAXPROCS workers: by rows of C in whole A panels when m >= n (each worker
// packs B itself), by columns in whole B panels otherwise, or by the depth k
// when k dominates (k >= 8*max(m, n)) and C is small: workers then write partial
// products that the caller adds, so no operand is packed twice (the convolution
// weight gradient, 288x64 with k = 173056). Splitting pays from about 48^3 even
// on a loaded machine. A split has up to 4 chunks per worker, taken in turn by
// whoever is free, so that a thread the OS preempts holds back only a small part
// of the call; chunks keep at least 512 rows (columns) so that re-packing the
// other operand per chunk stays under ~5% of the work.
//
// Work runs on a persistent pool of GOMAXPROCS-1 helper goroutines instead of
// goroutines spawned per call. The caller always takes chunks itself and only
// borrows helpers that are idle; chunks are handed out through an atomic
// counter, so a borrowed helper that starts late (its thread descheduled) finds
// nothing left and the caller never waits for it. Helpers poll for 1 ms after a
// job before parking, and the caller polls 200 µs for the last chunk before
// sleeping, yielding to the OS as they poll (on Linux; 20 µs and 10 µs without
// yields elsewhere; see spinBudgets), so back-to-back small kernels can skip
// futex wake-ups. Jobs and
// Sgemm's packing buffers are recycled through sync.Pool: steady-state calls do
// not allocate. Measured against the previous goroutine-per-call Parallel
// (BenchmarkParallel, loaded machine): the fixed cost of a call drops from
// ~0.6 µs and 2 allocations to ~0.3 µs and none; for chunks of 1-25 µs the two
// are equal within the (large) noise.
//
// # Performance
//
// See sgemm_bench_test.go: BenchmarkSgemm/{128,256,512,1024} and the W1
// convolution shapes (conv_fwd: 173056x64, k=288; conv_wgrad: A transposed,
// 288x64, k=173056; conv_dgrad: B transposed, 173056x288, k=64) on the chosen
// path, BenchmarkSgemmPath/<path>/... on each available path; 4096 runs only when
// named (-bench Sgemm/4096). Besides wall-clock GFLOPS they report GFLOPS per
// CPU-second of the process, which is what the code controls when other jobs
// share the two cores.
package kernels
