package kernels

import "fmt"

// DotRows computes out[i] = Dot(q, row rows[i] of data), where data is a
// row-major matrix (n, len(q)): the gathered distance computations of a graph
// search, where the rows are scattered through memory. All rows are
// prefetched before the first product, so that their cache misses overlap
// instead of following one another. It panics if a row is out of range or
// out is shorter than rows.
func DotRows(q, data []float32, rows []uint32, out []float32) {
	d := checkGather("DotRows", len(q), len(data), rows, len(out))
	prefetch(data, rows, d, PrefetchBytes)
	for i, r := range rows {
		o := int(r) * d
		out[i] = dot(q, data[o:o+d])
	}
}

// L2SqRows computes out[i] = L2Sq(q, row rows[i] of data), data (n, len(q)),
// prefetching as DotRows does.
func L2SqRows(q, data []float32, rows []uint32, out []float32) {
	d := checkGather("L2SqRows", len(q), len(data), rows, len(out))
	prefetch(data, rows, d, PrefetchBytes)
	for i, r := range rows {
		o := int(r) * d
		out[i] = l2sq(q, data[o:o+d])
	}
}

// DotU8Rows computes out[i] = DotU8(q, row rows[i] of codes), codes
// (n, len(q)) of 8-bit values, prefetching as DotRows does.
func DotU8Rows(q []float32, codes []uint8, rows []uint32, out []float32) {
	d := checkGather("DotU8Rows", len(q), len(codes), rows, len(out))
	prefetch(codes, rows, d, PrefetchBytes)
	for i, r := range rows {
		o := int(r) * d
		out[i] = dotU8(q, codes[o:o+d])
	}
}

// PrefetchBytes is how much of each row the *Rows kernels prefetch; the
// hardware's own stream prefetcher follows on for longer rows.
var PrefetchBytes = 1024

// PrefetchRows hints the CPU to load the first nbytes of the listed rows of
// data, a row-major matrix with rows of rowLen elements, into cache (a no-op
// with the purego tag or on other CPUs). Rows must be in range.
func PrefetchRows[T float32 | uint8 | uint32](data []T, rows []uint32, rowLen, nbytes int) {
	prefetch(data, rows, rowLen, nbytes)
}

func checkGather(name string, d, size int, rows []uint32, nout int) int {
	if nout < len(rows) {
		panic(fmt.Sprintf("kernels: %s: out has %d elements for %d rows", name, nout, len(rows)))
	}
	if d == 0 {
		return 0
	}
	n := size / d
	for _, r := range rows {
		if int(r) >= n {
			panic(fmt.Sprintf("kernels: %s: row %d out of range for data of shape [%d %d]", name, r, n, d))
		}
	}
	return d
}
