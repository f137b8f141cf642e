//go:build !purego

package optim

import "golang.org/x/sys/cpu"

// useAVX512 selects the vector update loops (update_amd64.s).
var useAVX512 = cpu.X86.HasAVX512F

//go:noescape
func sgdMomentumAVX512(w, grad, buf *float32, n int, nlr, wd, mom, damp1 float32, wdOn, nesterov, first int)

//go:noescape
func adamAVX512(w, grad, m, v *float32, n int, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep float32, l2On, decayOn int)

func flag(b bool) int {
	if b {
		return 1
	}
	return 0
}

// sgdMomentumVec runs the vector loop over the longest multiple of 16 and
// returns how many elements it did.
func sgdMomentumVec(w, g, buf []float32, nlr, wd, mom, damp1 float32, nesterov, first bool) int {
	n := len(w) &^ 15
	if !useAVX512 || n == 0 {
		return 0
	}
	_, _ = g[n-1], buf[n-1]
	sgdMomentumAVX512(&w[0], &g[0], &buf[0], n, nlr, wd, mom, damp1, flag(wd != 0), flag(nesterov), flag(first))
	return n
}

// adamVec is sgdMomentumVec's counterpart for adamUpdate.
func adamVec(w, g, m, v []float32, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep float32) int {
	n := len(w) &^ 15
	if !useAVX512 || n == 0 {
		return 0
	}
	_, _, _ = g[n-1], m[n-1], v[n-1]
	adamAVX512(&w[0], &g[0], &m[0], &v[0], n, l2, decay, b1, b2, c1, c2, bc2sqrt, eps, nstep, flag(l2 != 0), flag(decay != 1))
	return n
}
