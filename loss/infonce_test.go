package loss

import (
	"fmt"
	"math"
	"testing"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/tensor"
)

// naiveInfoNCE is an independent float64 loop version of InfoNCE.
func naiveInfoNCE(q, k []float32, n, m, d int, temp float64, lq, lk []int, self bool) float64 {
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
		}
		var den, pos float64
		np := 0
		for j := range m {
			if self && i == j {
				continue
			}
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
	return total / float64(valid)
}

func TestInfoNCEAgainstNaive(t *testing.T) {
	rng := tensor.NewRNG(3)
	for _, tc := range []struct {
		n, m, d int
		self    bool
		budget  int
	}{{6, 6, 3, true, 0}, {5, 9, 4, false, 0}, {7, 11, 2, false, 4 * 11 * 2}, {9, 9, 5, true, 4 * 9}} {
		t.Run(fmt.Sprintf("%+v", tc), func(t *testing.T) {
			q := tensor.New(tc.n, tc.d).Normal(rng, 0, 1)
			k := q
			if !tc.self {
				k = tensor.New(tc.m, tc.d).Normal(rng, 0, 1)
			}
			lq, lk := make([]int, tc.n), make([]int, tc.m)
			for i := range lq {
				lq[i] = i % 3
			}
			for i := range lk {
				lk[i] = i % 4
			}
			l := InfoNCE{Temperature: 0.3, Budget: tc.budget}
			tp := ag.NewTape(false)
			got := l.Forward(tp, ag.Const(q), ag.Const(k), lq, lk, tc.self).Item()
			want := naiveInfoNCE(q.Data, k.Data, tc.n, tc.m, tc.d, 0.3, lq, lk, tc.self)
			if math.Abs(float64(got)-want) > 1e-5*math.Max(1, math.Abs(want)) {
				t.Errorf("InfoNCE %v, naive %v", got, want)
			}
			// Finite differences on q through the same loss.
			qp := ag.Param("q", q.Clone())
			kp := ag.Param("k", k.Clone())
			tp = ag.NewTape(true)
			kv := kp
			if tc.self {
				kv = qp
			}
			tp.Backward(l.Forward(tp, qp, kv, lq, lk, tc.self))
			const eps = 1e-3
			for j := range qp.Value.Data {
				orig := qp.Value.Data[j]
				qp.Value.Data[j] = orig + eps
				up := l.Forward(ag.NewTape(false), qp, kv, lq, lk, tc.self).Item()
				qp.Value.Data[j] = orig - eps
				dn := l.Forward(ag.NewTape(false), qp, kv, lq, lk, tc.self).Item()
				qp.Value.Data[j] = orig
				num := float64(up-dn) / (2 * eps)
				if g := float64(qp.Grad.Data[j]); math.Abs(g-num) > 2e-2*math.Max(1, math.Abs(num)) {
					t.Fatalf("dq[%d]: analytic %v numeric %v", j, g, num)
				}
			}
		})
	}
}

func TestConstructorsValidate(t *testing.T) {
	for _, temp := range []float32{0, -1, float32(math.NaN()), float32(math.Inf(1))} {
		if _, err := NewNTXent(temp); err == nil {
			t.Errorf("NewNTXent(%v) accepted", temp)
		}
	}
	if _, err := NewTriplet(-0.1, false, nil, nil, Mean); err == nil {
		t.Error("NewTriplet with nil parts accepted")
	}
}
