package loss

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// naiveSampledSoftmax is an independent float64 loop version of SampledSoftmax.
func naiveSampledSoftmax(q, k []float32, n, m, d int, temp float64, lq, lk []int, off []float32) float64 {
	var total float64
	valid := 0
	for i := range n {
		s := make([]float64, m)
		for j := range m {
			var dot float64
			for c := range d {
				dot += float64(q[i*d+c]) * float64(k[j*d+c])
			}
			s[j] = dot / temp
			if off != nil {
				s[j] += float64(off[j])
			}
		}
		var den, pos float64
		np := 0
		for j := range m {
			den += math.Exp(s[j])
			if lk[j] == lq[i] {
				pos += s[j]
				np++
			}
		}
		if np == 0 {
			continue
		}
		valid++
		total += math.Log(den) - pos/float64(np)
	}
	if valid == 0 {
		return 0
	}
	return total / float64(valid)
}

func TestSampledSoftmaxAgainstNaive(t *testing.T) {
	rng := tensor.NewRNG(5)
	for _, tc := range []struct {
		n, m, d int
		offset  bool
		budget  int
	}{{6, 6, 3, true, 0}, {5, 9, 4, true, 0}, {7, 11, 2, true, 4 * 11 * 2}, {4, 7, 5, false, 4 * 7}, {3, 5, 2, true, 1}} {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			q := tensor.New(tc.n, tc.d).Normal(rng, 0, 1)
			k := tensor.New(tc.m, tc.d).Normal(rng, 0, 1)
			lq, lk := make([]int, tc.n), make([]int, tc.m)
			for i := range lq {
				lq[i] = i % 4 // labels 0..3; keys cover 0..4, some rows have two positives
			}
			for j := range lk {
				lk[j] = j % 5
			}
			var off []float32
			if tc.offset {
				p := make([]float64, tc.m)
				for j := range p {
					p[j] = float64(j+1) / float64(tc.m*(tc.m+1)/2)
				}
				off = LogQOffsets(p)
			}
			l := SampledSoftmax{Temperature: 0.4, Budget: tc.budget}
			got := l.Forward(ag.NewTape(false), ag.Const(q), ag.Const(k), lq, lk, off).Item()
			want := naiveSampledSoftmax(q.Data, k.Data, tc.n, tc.m, tc.d, 0.4, lq, lk, off)
			if math.Abs(float64(got)-want) > 1e-5*math.Max(1, math.Abs(want)) {
				t.Fatalf("SampledSoftmax %v, naive %v", got, want)
			}
			// Finite differences on both q and k, through the naive loss.
			qp, kp := ag.Param("q", q.Clone()), ag.Param("k", k.Clone())
			tp := ag.NewTape(true)
			tp.Backward(l.Forward(tp, qp, kp, lq, lk, off))
			const eps = 1e-3
			for _, p := range []*ag.Var{qp, kp} {
				for j := range p.Value.Data {
					orig := p.Value.Data[j]
					p.Value.Data[j] = orig + eps
					up := naiveSampledSoftmax(qp.Value.Data, kp.Value.Data, tc.n, tc.m, tc.d, 0.4, lq, lk, off)
					p.Value.Data[j] = orig - eps
					dn := naiveSampledSoftmax(qp.Value.Data, kp.Value.Data, tc.n, tc.m, tc.d, 0.4, lq, lk, off)
					p.Value.Data[j] = orig
					num := (up - dn) / (2 * eps)
					if g := float64(p.Grad.Data[j]); math.Abs(g-num) > 5e-3*math.Max(1, math.Abs(num)) {
						t.Fatalf("d%s[%d]: analytic %v numeric %v", p.Name, j, g, num)
					}
				}
			}
		})
	}
}

// TestSampledSoftmaxOffsetShift checks that a constant added to every offset
// leaves the loss unchanged (Q need not be normalised), and that the logQ
// correction lowers the loss's push on a frequent negative.
func TestSampledSoftmaxOffsetShift(t *testing.T) {
	rng := tensor.NewRNG(9)
	q := tensor.New(4, 3).Normal(rng, 0, 1)
	k := tensor.New(6, 3).Normal(rng, 0, 1)
	lq, lk := []int{0, 1, 2, 3}, []int{0, 1, 2, 3, 4, 5}
	l := SampledSoftmax{Temperature: 0.5}
	a := []float32{0.1, -0.3, 0.7, 0.2, -1, 0}
	b := make([]float32, len(a))
	for i, v := range a {
		b[i] = v + 3.5
	}
	la := l.Forward(ag.NewTape(false), ag.Const(q), ag.Const(k), lq, lk, a).Item()
	lb := l.Forward(ag.NewTape(false), ag.Const(q), ag.Const(k), lq, lk, b).Item()
	if math.Abs(float64(la-lb)) > 1e-5 {
		t.Fatalf("shifted offsets change the loss: %v vs %v", la, lb)
	}
	// Key 4 is no query's positive: a large Q(4) (small offset) must shrink the
	// gradient that pushes queries away from it.
	push := func(p4 float64) float64 {
		p := []float64{0.1, 0.1, 0.1, 0.1, p4, 0.1}
		kp := ag.Param("k", k.Clone())
		tp := ag.NewTape(true)
		tp.Backward(l.Forward(tp, ag.Const(q), kp, lq, lk, LogQOffsets(p)))
		var s float64
		for _, v := range kp.Grad.Data[4*3 : 5*3] {
			s += float64(v) * float64(v)
		}
		return math.Sqrt(s)
	}
	if rare, frequent := push(0.01), push(0.9); !(frequent < rare) {
		t.Fatalf("gradient on a frequent negative %v not below a rare one's %v", frequent, rare)
	}
}

func TestSampledSoftmaxValidates(t *testing.T) {
	for _, temp := range []float32{0, -1, float32(math.NaN()), float32(math.Inf(1))} {
		if _, err := NewSampledSoftmax(temp); err == nil {
			t.Errorf("NewSampledSoftmax(%v) accepted", temp)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("LogQOffsets of a zero probability did not panic")
		}
	}()
	LogQOffsets([]float64{0.5, 0})
}
