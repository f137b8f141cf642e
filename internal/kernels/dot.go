package kernels

import "fmt"

// Dot returns the inner product sum_i a[i]*b[i] of two float32 vectors of equal
// length. It is the distance kernel behind nearest-neighbour search (package
// index): AVX-512 or AVX2+FMA assembly on amd64 (chosen at run time), an unrolled
// plain-Go loop with four accumulators elsewhere or with the purego build tag.
// Accumulation order differs from a naive loop, so results may differ from it in
// the last bits. It panics if the lengths differ.
func Dot(a, b []float32) float32 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("kernels: Dot length mismatch [%d] vs [%d]", len(a), len(b)))
	}
	return dot(a, b)
}

// L2Sq returns the squared Euclidean distance sum_i (a[i]-b[i])^2 of two float32
// vectors of equal length. It panics if the lengths differ.
func L2Sq(a, b []float32) float32 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("kernels: L2Sq length mismatch [%d] vs [%d]", len(a), len(b)))
	}
	return l2sq(a, b)
}

// DotU8 returns sum_i a[i]*float32(b[i]): the inner product of a float32 vector
// with a vector of 8-bit codes, the core of asymmetric distance computation on
// scalar-quantised vectors (the query stays float, the stored vector is codes).
// It panics if the lengths differ.
func DotU8(a []float32, b []uint8) float32 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("kernels: DotU8 length mismatch [%d] vs [%d]", len(a), len(b)))
	}
	return dotU8(a, b)
}

// dotGeneric is the portable Dot: four independent accumulators so that the
// additions of successive elements do not wait on each other.
func dotGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+8 <= len(a); i += 8 {
		s0 += a[i]*b[i] + a[i+4]*b[i+4]
		s1 += a[i+1]*b[i+1] + a[i+5]*b[i+5]
		s2 += a[i+2]*b[i+2] + a[i+6]*b[i+6]
		s3 += a[i+3]*b[i+3] + a[i+7]*b[i+7]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func l2sqGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		d0 := a[i] - b[i]
		d1 := a[i+1] - b[i+1]
		d2 := a[i+2] - b[i+2]
		d3 := a[i+3] - b[i+3]
		s0 += d0 * d0
		s1 += d1 * d1
		s2 += d2 * d2
		s3 += d3 * d3
	}
	for ; i < len(a); i++ {
		d := a[i] - b[i]
		s0 += d * d
	}
	return (s0 + s1) + (s2 + s3)
}

func dotU8Generic(a []float32, b []uint8) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += a[i] * float32(b[i])
		s1 += a[i+1] * float32(b[i+1])
		s2 += a[i+2] * float32(b[i+2])
		s3 += a[i+3] * float32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += a[i] * float32(b[i])
	}
	return (s0 + s1) + (s2 + s3)
}
