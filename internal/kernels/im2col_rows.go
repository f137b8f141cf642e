package kernels

import "fmt"

// checkRowBlock panics unless rows runs of n floats, ds and ss apart, fit in dst and src.
func checkRowBlock(dst []float32, ds int, src []float32, ss int, rows, n int) {
	if len(dst) < (rows-1)*ds+n || len(src) < (rows-1)*ss+n || ds < n || ss < 0 {
		panic(fmt.Sprintf("kernels: %d rows of %d (strides %d, %d) do not fit slices of %d and %d", rows, n, ds, ss, len(dst), len(src)))
	}
}

func copyRowsGeneric(dst []float32, ds int, src []float32, ss int, rows, n int) {
	for r := 0; r < rows; r++ {
		copy(dst[r*ds:r*ds+n], src[r*ss:r*ss+n])
	}
}

func addRowsGeneric(dst []float32, ds int, src []float32, ss int, rows, n int) {
	for r := 0; r < rows; r++ {
		d := dst[r*ds : r*ds+n]
		for i, v := range src[r*ss : r*ss+n] {
			d[i] += v
		}
	}
}
