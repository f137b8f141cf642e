//go:build purego || !amd64

package optim

// The plain-Go build has no vector loops: the Go loops do all the work.

var useAVX512 = false

func sgdMomentumVec(w, g, buf []float32, nlr, wd, mom, damp1 float32, nesterov, first bool) int {
	return 0
}

func adamVec(w, g, m, v []float32, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep float32) int {
	return 0
}
