package ag

import (
	"fmt"
	"math"
)

// CrossEntropy returns the mean over the batch of -log softmax(logits)[target]
// for logits (n, classes) and n integer targets in [0, classes), fused with a
// stable log-softmax. With label smoothing ε in [0, 1] the target distribution
// is (1-ε)·onehot + ε/classes (Szegedy et al. 2016, arXiv 1512.00567), as
// PyTorch's cross_entropy(label_smoothing=ε). The gradient is
// (softmax - target distribution)/n, computed in one pass without a softmax
// tensor. targets must stay unchanged until Backward.
func (t *Tape) CrossEntropy(logits *Var, targets []int, smoothing float32) *Var {
	return t.crossEntropy("CrossEntropy", logits, targets, nil, smoothing)
}

// WeightedCrossEntropy is CrossEntropy with per-class weights w (classes), as
// PyTorch's cross_entropy(weight=w, label_smoothing=ε): row i's loss is
// (1-ε)·w[y_i]·(-log p_i[y_i]) + (ε/classes)·Σ_c w_c·(-log p_i[c]), and the
// batch mean divides by Σ_i w[y_i] rather than n (a zero sum gives NaN).
func (t *Tape) WeightedCrossEntropy(logits *Var, targets []int, weights []float32, smoothing float32) *Var {
	if weights == nil {
		weights = []float32{}
	}
	return t.crossEntropy("WeightedCrossEntropy", logits, targets, weights, smoothing)
}

func (t *Tape) crossEntropy(op string, logits *Var, targets []int, w []float32, eps float32) *Var {
	if logits.Value.Dims() != 2 {
		panic(fmt.Sprintf("ag: %s: logits must be (n, classes), got shape %v", op, logits.Shape()))
	}
	n, c := logits.Shape()[0], logits.Shape()[1]
	if len(targets) != n {
		panic(fmt.Sprintf("ag: %s: %d targets for logits %v", op, len(targets), logits.Shape()))
	}
	if w != nil && len(w) != c {
		panic(fmt.Sprintf("ag: %s: %d class weights for logits %v", op, len(w), logits.Shape()))
	}
	if !(eps >= 0 && eps <= 1) {
		panic(fmt.Sprintf("ag: %s: label smoothing %v outside [0, 1] (logits %v)", op, eps, logits.Shape()))
	}
	for i, y := range targets {
		if y < 0 || y >= c {
			panic(fmt.Sprintf("ag: %s: target %d of row %d out of range for logits %v", op, y, i, logits.Shape()))
		}
	}
	if n > 0 && c == 0 {
		panic(fmt.Sprintf("ag: %s: no classes in logits %v", op, logits.Shape()))
	}
	x := valueOf(logits)
	// Row i's log Σ_c exp(x_ic) is rmax[i] + rlog[i], kept in two parts for the
	// backward pass so that x - rmax stays exact for large logits.
	rmax, rlog := t.scratch(n), t.scratch(n)
	smooth := float64(eps) / float64(c)
	var total, denom float64
	for i, y := range targets {
		row := x[i*c : (i+1)*c]
		m := rowMax(row)
		var s float64
		for _, v := range row {
			s += float64(exp32(v - m))
		}
		l := float64(m) + math.Log(s)
		rmax[i], rlog[i] = m, float32(math.Log(s))
		wy := 1.0
		if w != nil {
			wy = float64(w[y])
		}
		denom += wy
		loss := (1 - float64(eps)) * wy * (l - float64(row[y]))
		if eps != 0 {
			var sm float64
			for k, v := range row {
				wk := 1.0
				if w != nil {
					wk = float64(w[k])
				}
				sm += wk * (l - float64(v))
			}
			loss += smooth * sm
		}
		total += loss
	}
	out := t.newVar(op)
	out.Value.Data[0] = float32(total / denom)
	t.record(out, func(g []float32) {
		// Row i's loss is Σ_k a_k·(-log p_k) with a the weighted target
		// distribution over denom; its gradient is p·Σ_k a_k - a.
		dx := t.gradOf(logits)
		scale := float64(g[0]) / denom
		var wsum float64
		for _, wk := range w {
			wsum += float64(wk)
		}
		for i, y := range targets {
			row, d := x[i*c:(i+1)*c], dx[i*c:(i+1)*c]
			m, ls := rmax[i], rlog[i]
			wy := 1.0
			if w != nil {
				wy = float64(w[y])
			}
			hard := float32(scale * (1 - float64(eps)) * wy)
			if w == nil {
				// Σ_k a_k = scale; the smoothed part is uniform.
				s, u := float32(scale), float32(scale*smooth)
				for k, v := range row {
					d[k] += s*exp32((v-m)-ls) - u
				}
			} else {
				s := float32(scale * ((1-float64(eps))*wy + smooth*wsum))
				u := float32(scale * smooth)
				for k, v := range row {
					d[k] += s*exp32((v-m)-ls) - u*w[k]
				}
			}
			d[y] -= hard
		}
	}, logits)
	return out
}
