package augment

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// scarfData returns an (n, d) matrix whose column j holds 1000*j + i, so a
// value identifies its column, and a row of negative values not in any column.
func scarfData(n, d int) ([]float32, []float32) {
	x := make([]float32, n*d)
	for i := 0; i < n; i++ {
		for j := 0; j < d; j++ {
			x[i*d+j] = float32(1000*j + i)
		}
	}
	row := make([]float32, d)
	for j := range row {
		row[j] = -float32(j + 1)
	}
	return x, row
}

func TestSCARF(t *testing.T) {
	const n, d = 50, 20
	x, row := scarfData(n, d)
	m := Must(FitMarginals(x, n, d))
	if m.Dim() != d || m.Rows() != n || m.Column(3)[7] != 3007 {
		t.Fatal("marginals do not hold the columns")
	}
	for _, rate := range []float64{0, 0.3, 0.6, 1} {
		s := Must(NewSCARF(m, rate))
		k := int(math.Round(rate * d))
		if s.Replaced() != k {
			t.Fatalf("rate %g replaces %d, want %d", rate, s.Replaced(), k)
		}
		rng := newRNG(5)
		out := make([]float32, d)
		var hits [d]int
		const trials = 2000
		for range trials {
			s.Apply(rng, out, row)
			replaced := 0
			for j, v := range out {
				if v == row[j] {
					continue
				}
				replaced++
				hits[j]++
				// Only values of column j from the training rows.
				if v < float32(1000*j) || v >= float32(1000*j+n) || v != float32(int(v)) {
					t.Fatalf("feature %d replaced by %g, not a column-%d value", j, v, j)
				}
			}
			if replaced != k {
				t.Fatalf("rate %g: replaced %d features, want %d", rate, replaced, k)
			}
		}
		// The subset is uniform: every feature is chosen with probability k/d.
		if k > 0 && k < d {
			p := float64(k) / d
			sd := math.Sqrt(trials * p * (1 - p))
			for j, h := range hits {
				if math.Abs(float64(h)-trials*p) > 5*sd {
					t.Errorf("rate %g: feature %d replaced %d times, want %.0f", rate, j, h, trials*p)
				}
			}
		}
	}
	// Replacement draws cover the column's rows uniformly.
	s := Must(NewSCARF(m, 1))
	rng, out := newRNG(6), make([]float32, d)
	var rows [n]int
	for range 5000 {
		s.Apply(rng, out, row)
		rows[int(out[0])]++
	}
	for i, c := range rows {
		if c < 50 || c > 150 {
			t.Errorf("row %d drawn %d times of 5000", i, c)
		}
	}
	in := append([]float32(nil), row...)
	Must(NewSCARF(m, 0.5)).Apply(newRNG(7), in, in)
	Must(NewSCARF(m, 0.5)).Apply(newRNG(7), out, row)
	assertClose(t, "in place", in, out, 0)
	if _, err := FitMarginals(x, n, d+1); err == nil {
		t.Fatal("bad matrix shape accepted")
	}
	if _, err := NewSCARF(m, 1.5); err == nil {
		t.Fatal("rate 1.5 accepted")
	}
	mustPanic(t, "row width", func() { s.Apply(rng, make([]float32, 3), row[:3]) })
}

func TestRowNoiseAndMask(t *testing.T) {
	const d = 20000
	src := make([]float32, d)
	scale := make([]float32, d)
	for j := range scale {
		scale[j] = float32(1 + j%2) // alternate 1 and 2
	}
	out := make([]float32, d)
	Must(NewRowNoise(0.5, scale)).Apply(newRNG(1), out, src)
	var s2 [2]float64
	for j, v := range out {
		s2[j%2] += float64(v) * float64(v)
	}
	for k, want := range []float64{0.5, 1} {
		if sd := math.Sqrt(s2[k] / (d / 2)); math.Abs(sd-want)/want > 0.04 {
			t.Errorf("scale %d: sd %g, want %g", k+1, sd, want)
		}
	}
	Must(NewRowNoise(0.2, nil)).Apply(newRNG(2), out, src)
	var sum2 float64
	for _, v := range out {
		sum2 += float64(v) * float64(v)
	}
	if sd := math.Sqrt(sum2 / d); math.Abs(sd-0.2)/0.2 > 0.04 {
		t.Errorf("unscaled sd %g", sd)
	}

	for j := range src {
		src[j] = 1
	}
	Must(NewFeatureMask(0.25, 0)).Apply(newRNG(3), out, src)
	zeros := 0
	for _, v := range out {
		if v == 0 {
			zeros++
		} else if v != 1 {
			t.Fatalf("value %g", v)
		}
	}
	if f := float64(zeros) / d; math.Abs(f-0.25) > 0.015 {
		t.Fatalf("masked fraction %g", f)
	}
	c := Must(NewComposeRows(Must(NewFeatureMask(0.5, 0)), Must(NewRowNoise(0.1, nil))))
	rng := newRNG(4)
	want := make([]float32, d)
	Must(NewFeatureMask(0.5, 0)).Apply(rng, want, src)
	Must(NewRowNoise(0.1, nil)).Apply(rng, want, want)
	c.Apply(newRNG(4), out, src)
	assertClose(t, "compose", out, want, 0)
	if _, err := NewRowNoise(0.1, []float32{-1}); err == nil {
		t.Fatal("negative scale accepted")
	}
}

func TestApplyRows(t *testing.T) {
	const n, d = 300, 12
	x, _ := scarfData(n, d)
	m := Must(FitMarginals(x, n, d))
	s := Must(NewComposeRows(Must(NewSCARF(m, 0.5)), Must(NewRowNoise(0.01, nil))))
	want := make([]float32, n*d)
	var pcg rand.PCG
	rng := rand.New(&pcg)
	for i := 0; i < n; i++ {
		seedView(&pcg, 9, i, 0)
		s.Apply(rng, want[i*d:(i+1)*d], x[i*d:(i+1)*d])
	}
	for _, grain := range []int{0, 1, 7, 1000} {
		got := make([]float32, n*d)
		ApplyRows(s, 9, got, x, d, grain)
		assertClose(t, fmt.Sprint("grain ", grain), got, want, 0)
	}
	inplace := append([]float32(nil), x...)
	ApplyRows(s, 9, inplace, inplace, d, 3)
	assertClose(t, "in place", inplace, want, 0)
	mustPanic(t, "bad d", func() { ApplyRows(s, 1, want, x, 7, 0) })
}
