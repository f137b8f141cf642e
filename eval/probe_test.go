package eval

import (
	"errors"
	"math"
	"runtime"
	"testing"
)

// naiveSoftmaxLoss is the regularised mean cross-entropy in float64 with its
// gradient, over standardised rows xs, W (d, c), b (c).
func naiveSoftmaxLoss(xs [][]float64, y []int, w [][]float64, b []float64, l2 float64) (float64, [][]float64, []float64) {
	d, c := len(w), len(b)
	gw := make([][]float64, d)
	for j := range gw {
		gw[j] = make([]float64, c)
	}
	gb := make([]float64, c)
	var f float64
	n := float64(len(xs))
	for i, x := range xs {
		z := make([]float64, c)
		for k := range z {
			z[k] = b[k]
			for j := range x {
				z[k] += x[j] * w[j][k]
			}
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(v)
		}
		f += (math.Log(sum) - z[y[i]]) / n
		for k := range z {
			r := math.Exp(z[k]) / sum
			if k == y[i] {
				r--
			}
			gb[k] += r / n
			for j := range x {
				gw[j][k] += r * x[j] / n
			}
		}
	}
	for j := range w {
		for k := range w[j] {
			f += l2 / 2 * w[j][k] * w[j][k]
			gw[j][k] += l2 * w[j][k]
		}
	}
	return f, gw, gb
}

// naiveStandardise uses the float64 mean and population std of each column.
func naiveStandardise(train, x [][]float64) [][]float64 {
	d := len(train[0])
	out := make([][]float64, len(x))
	for i := range out {
		out[i] = make([]float64, d)
	}
	for j := 0; j < d; j++ {
		var m, v float64
		for _, r := range train {
			m += r[j] / float64(len(train))
		}
		for _, r := range train {
			v += (r[j] - m) * (r[j] - m) / float64(len(train))
		}
		s := math.Sqrt(v)
		if s == 0 {
			s = 1
		}
		for i, r := range x {
			out[i][j] = (r[j] - m) / s
		}
	}
	return out
}

func modelParams(m *LinearClassifier) ([][]float64, []float64) {
	w := rows64(m.W)
	b := make([]float64, len(m.B))
	for k, v := range m.B {
		b[k] = float64(v)
	}
	return w, b
}

func TestSoftmaxObjectiveAgainstNaive(t *testing.T) {
	rng := newRNG(14)
	x, labels := clustered(rng, 2500, 5, 3, 1) // > 2 blocks of 1024 rows
	m := &LinearClassifier{}
	m.Mean, m.Scale = standardiser(x)
	xs := m.standardise(x)
	_, dense := denseLabels(labels)
	obj := newSoftmaxObjective(xs, x.Rows, x.Cols, dense[0], 3, 0.3)
	theta := make([]float64, 5*3+3)
	for i := range theta {
		theta[i] = rng.NormFloat64() * 0.5
	}
	grad := make([]float64, len(theta))
	f := obj.eval(theta, grad)
	w := make([][]float64, 5)
	for j := range w {
		w[j] = theta[j*3 : j*3+3]
	}
	wantF, gw, gb := naiveSoftmaxLoss(naiveStandardise(rows64(x), rows64(x)), dense[0], w, theta[15:], 0.3)
	if !near(f, wantF, 1e-5) {
		t.Fatalf("loss %v, naive %v", f, wantF)
	}
	for j := range gw {
		for k := range gw[j] {
			if math.Abs(grad[j*3+k]-gw[j][k]) > 1e-5 {
				t.Fatalf("dW[%d,%d] = %v, naive %v", j, k, grad[j*3+k], gw[j][k])
			}
		}
	}
	for k := range gb {
		if math.Abs(grad[15+k]-gb[k]) > 1e-5 {
			t.Fatalf("db[%d] = %v, naive %v", k, grad[15+k], gb[k])
		}
	}
}

func TestLBFGSRosenbrock(t *testing.T) {
	// Non-convex, badly conditioned: minimum 0 at (1, 1).
	x := []float64{-1.2, 1}
	out := minimizeLBFGS(x, func(x, g []float64) float64 {
		a, b := 1-x[0], x[1]-x[0]*x[0]
		g[0] = -2*a - 400*x[0]*b
		g[1] = 200 * b
		return a*a + 100*b*b
	}, lbfgsSettings{maxIter: 200, gradTol: 1e-8, memory: 5})
	if !out.converged || math.Abs(x[0]-1) > 1e-6 || math.Abs(x[1]-1) > 1e-6 {
		t.Fatalf("Rosenbrock: %+v at %v", out, x)
	}
}

func TestLinearProbeOptimum(t *testing.T) {
	rng := newRNG(15)
	train, trainLabels := clustered(rng, 1500, 6, 4, 0.8)
	test, testLabels := clustered(rng, 500, 6, 4, 0.8) // other centres: a hard test set
	for i := range trainLabels {
		trainLabels[i] = trainLabels[i]*5 - 3 // arbitrary label values
	}
	for _, l2 := range []float64{1e-3, 0.1} {
		res, err := LinearProbe(train, trainLabels, test, testLabels, ProbeConfig{L2: l2, GradTol: 1e-6})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Fit.Converged {
			t.Fatalf("L2=%v: not converged: %+v", l2, res.Fit)
		}
		// At the optimum of this strictly convex objective the naive float64
		// gradient vanishes (up to float32 rounding of the parameters).
		_, dense := denseLabels(trainLabels)
		w, b := modelParams(res.Model)
		x64 := rows64(train)
		f, gw, gb := naiveSoftmaxLoss(naiveStandardise(x64, x64), dense[0], w, b, l2)
		for j := range gw {
			for k := range gw[j] {
				if math.Abs(gw[j][k]) > 1e-4 {
					t.Fatalf("L2=%v: naive dW[%d,%d] = %v at the returned optimum", l2, j, k, gw[j][k])
				}
			}
		}
		for k := range gb {
			if math.Abs(gb[k]) > 1e-4 {
				t.Fatalf("L2=%v: naive db[%d] = %v", l2, k, gb[k])
			}
		}
		if !near(res.Fit.Loss, f, 1e-5) {
			t.Fatalf("reported loss %v, naive %v", res.Fit.Loss, f)
		}
		// Accuracies equal the naive argmax of the naive scores.
		for _, set := range []struct {
			x      Matrix
			labels []int
			acc    float64
		}{{train, trainLabels, res.TrainAccuracy}, {test, testLabels, res.TestAccuracy}} {
			xs := naiveStandardise(x64, rows64(set.x))
			correct := 0
			for i, r := range xs {
				best, bestZ := 0, math.Inf(-1)
				for k := range b {
					z := b[k]
					for j := range r {
						z += r[j] * w[j][k]
					}
					if z > bestZ {
						best, bestZ = k, z
					}
				}
				if res.Model.Classes[best] == set.labels[i] {
					correct++
				}
			}
			if got := float64(correct) / float64(len(xs)); math.Abs(got-set.acc) > 2.0/float64(len(xs)) {
				t.Fatalf("accuracy %v, naive %v", set.acc, got)
			}
		}
		if res.TrainAccuracy < 0.6 {
			t.Fatalf("train accuracy %v on clustered data", res.TrainAccuracy)
		}
	}
}

func TestLinearProbeDeterministic(t *testing.T) {
	rng := newRNG(16)
	x, labels := clustered(rng, 3000, 8, 5, 0.5)
	cfg := ProbeConfig{L2: 1e-3, MaxIter: 50}
	a, infoA, err := FitLinear(x, labels, cfg)
	if err != nil {
		t.Fatal(err)
	}
	prev := runtime.GOMAXPROCS(1)
	b, infoB, _ := FitLinear(x, labels, cfg)
	runtime.GOMAXPROCS(prev)
	if infoA != infoB {
		t.Fatalf("fit info differs with GOMAXPROCS: %+v vs %+v", infoA, infoB)
	}
	for i := range a.W.Data {
		if a.W.Data[i] != b.W.Data[i] {
			t.Fatalf("W[%d] differs: %v vs %v", i, a.W.Data[i], b.W.Data[i])
		}
	}
}

func TestLinearProbeSeparable(t *testing.T) {
	// Two classes split by the sign of feature 0; a constant feature as well.
	x := Matrix{6, 2, []float32{-3, 7, -2, 7, -1, 7, 1, 7, 2, 7, 3, 7}}
	labels := []int{0, 0, 0, 1, 1, 1}
	res, err := LinearProbe(x, labels, Matrix{2, 2, []float32{-0.5, 7, 0.5, 7}}, []int{0, 1}, DefaultProbe())
	if err != nil {
		t.Fatal(err)
	}
	if res.TrainAccuracy != 1 || res.TestAccuracy != 1 {
		t.Fatalf("separable: %+v", res)
	}
	if res.Model.Scale[1] != 1 {
		t.Fatalf("constant feature scale %v, want 1", res.Model.Scale[1])
	}
}

func TestLinearProbeSweep(t *testing.T) {
	rng := newRNG(17)
	train, trainLabels := clustered(rng, 800, 5, 3, 0.6)
	test := Matrix{200, 5, train.Data[600*5:]}
	testLabels := trainLabels[600:]
	train = Matrix{600, 5, train.Data[:600*5]}
	trainLabels = trainLabels[:600]
	l2s := []float64{1e-4, 1e-2, 100}
	res, err := LinearProbeSweep(train, trainLabels, test, testLabels, l2s, 0.25, 1, ProbeConfig{})
	if err != nil {
		t.Fatal(err)
	}
	best := 0
	for i := range l2s {
		if res.ValAccuracy[i] > res.ValAccuracy[best] || (res.ValAccuracy[i] == res.ValAccuracy[best] && l2s[i] > l2s[best]) {
			best = i
		}
	}
	if res.L2 != l2s[best] || res.L2 == 100 {
		t.Fatalf("chose L2 %v, val accuracies %v", res.L2, res.ValAccuracy)
	}
	if _, err := LinearProbeSweep(train, trainLabels, test, testLabels, l2s, 1, 1, ProbeConfig{}); !errors.Is(err, ErrConfig) {
		t.Fatalf("fraction 1: %v", err)
	}
}

func TestLinearProbeErrors(t *testing.T) {
	x := Matrix{2, 1, []float32{1, 2}}
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"one class", ErrUndefined, func() error { _, _, e := FitLinear(x, []int{3, 3}, DefaultProbe()); return e }},
		{"labels", ErrShape, func() error { _, _, e := FitLinear(x, []int{3}, DefaultProbe()); return e }},
		{"negative L2", ErrConfig, func() error { _, _, e := FitLinear(x, []int{0, 1}, ProbeConfig{L2: -1}); return e }},
		{"empty", ErrEmpty, func() error { _, _, e := FitLinear(Matrix{0, 1, nil}, nil, DefaultProbe()); return e }},
		{"test dim", ErrShape, func() error {
			_, e := LinearProbe(x, []int{0, 1}, Matrix{1, 2, []float32{1, 2}}, []int{0}, DefaultProbe())
			return e
		}},
		{"test labels", ErrShape, func() error { _, e := LinearProbe(x, []int{0, 1}, x, []int{0}, DefaultProbe()); return e }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
		})
	}
}
