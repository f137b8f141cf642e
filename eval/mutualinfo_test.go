package eval

import (
	"errors"
	"math"
	"testing"
)

// naiveMI computes MI from joint and marginal frequencies held in maps.
func naiveMI(u, v []int) float64 {
	n := float64(len(u))
	pu, pv, puv := map[int]float64{}, map[int]float64{}, map[[2]int]float64{}
	for i := range u {
		pu[u[i]] += 1 / n
		pv[v[i]] += 1 / n
		puv[[2]int{u[i], v[i]}] += 1 / n
	}
	var mi float64
	for k, p := range puv {
		mi += p * math.Log(p/(pu[k[0]]*pv[k[1]]))
	}
	return mi
}

func naiveH(u []int) float64 {
	p := map[int]float64{}
	for _, x := range u {
		p[x] += 1 / float64(len(u))
	}
	var h float64
	for _, q := range p {
		h -= q * math.Log(q)
	}
	return h
}

// permutationEMI is the definition of E[MI]: the mean MI between u and every
// permutation of v (Heap's algorithm), so tiny n only.
func permutationEMI(u, v []int) float64 {
	w := append([]int(nil), v...)
	var sum float64
	count := 0
	var heap func(k int)
	heap = func(k int) {
		if k == 1 {
			sum += naiveMI(u, w)
			count++
			return
		}
		heap(k - 1)
		for i := 0; i < k-1; i++ {
			if k%2 == 0 {
				w[i], w[k-1] = w[k-1], w[i]
			} else {
				w[0], w[k-1] = w[k-1], w[0]
			}
			heap(k - 1)
		}
	}
	heap(len(w))
	return sum / float64(count)
}

// naiveARI counts agreeing pairs directly over all i < j.
func naiveARI(u, v []int) float64 {
	var a, b, c, d float64 // same-same, same-diff, diff-same, diff-diff
	for i := range u {
		for j := i + 1; j < len(u); j++ {
			su, sv := u[i] == u[j], v[i] == v[j]
			switch {
			case su && sv:
				a++
			case su:
				b++
			case sv:
				c++
			default:
				d++
			}
		}
	}
	n := a + b + c + d
	expected := (a + b) * (a + c) / n
	maxIdx := ((a + b) + (a + c)) / 2
	if maxIdx == expected {
		return 1
	}
	return (a - expected) / (maxIdx - expected)
}

func TestMutualInfoAgainstNaive(t *testing.T) {
	rng := newRNG(9)
	for _, tc := range []struct {
		name   string
		n      int
		ku, kv int
	}{{"n7", 7, 3, 2}, {"n8", 8, 2, 4}, {"n8-singletons", 8, 8, 3}, {"n6", 6, 3, 3}} {
		t.Run(tc.name, func(t *testing.T) {
			u, v := make([]int, tc.n), make([]int, tc.n)
			for i := range u {
				u[i] = rng.IntN(tc.ku) * 3
				v[i] = -rng.IntN(tc.kv)
			}
			mi, _ := MutualInfo(u, v)
			if !near(mi, naiveMI(u, v), 1e-12) {
				t.Fatalf("MI %v, naive %v", mi, naiveMI(u, v))
			}
			nmi, _ := NMI(u, v)
			if want := naiveMI(u, v) / ((naiveH(u) + naiveH(v)) / 2); !near(nmi, want, 1e-12) {
				t.Fatalf("NMI %v, naive %v", nmi, want)
			}
			emi := permutationEMI(u, v)
			ami, _ := AMI(u, v)
			if want := (naiveMI(u, v) - emi) / ((naiveH(u)+naiveH(v))/2 - emi); !near(ami, want, 1e-9) {
				t.Fatalf("AMI %v, permutation oracle %v", ami, want)
			}
			ari, _ := AdjustedRand(u, v)
			if !near(ari, naiveARI(u, v), 1e-12) {
				t.Fatalf("ARI %v, naive %v", ari, naiveARI(u, v))
			}
		})
	}
	// Larger: MI, NMI and ARI only (the permutation oracle is factorial).
	u, v := make([]int, 3000), make([]int, 3000)
	for i := range u {
		u[i] = rng.IntN(10)
		v[i] = (u[i] + rng.IntN(3)) % 12
	}
	mi, _ := MutualInfo(u, v)
	ari, _ := AdjustedRand(u, v)
	if !near(mi, naiveMI(u, v), 1e-10) || !near(ari, naiveARI(u, v), 1e-10) {
		t.Fatalf("n=3000: MI %v (naive %v), ARI %v (naive %v)", mi, naiveMI(u, v), ari, naiveARI(u, v))
	}
	// Independent labelings: AMI near 0 (it is chance-corrected), NMI is not.
	for i := range v {
		v[i] = rng.IntN(10)
	}
	ami, _ := AMI(u, v)
	nmi, _ := NMI(u, v)
	if math.Abs(ami) > 0.01 || nmi < 2*math.Abs(ami) {
		t.Fatalf("independent labelings: AMI %v, NMI %v", ami, nmi)
	}
}

func TestMutualInfoHandComputed(t *testing.T) {
	ln2, ln3 := math.Log(2), math.Log(3)
	for _, tc := range []struct {
		name          string
		u, v          []int
		nmi, ami, ari float64
	}{
		// Same partition, renamed.
		{"identical", []int{0, 0, 1, 1, 2}, []int{5, 5, 9, 9, -1}, 1, 1, 1},
		// MI = 0; E[MI]: each of 4 cells has n_ij=2 with probability 1/6,
		// contributing (2/4) ln 2 / 6 -> E[MI] = ln2/3; AMI = -(ln2/3)/(ln2 - ln2/3) = -1/2.
		// Pairs: 0 agree-agree, 4+4 disagreements, 4 agree-different -> ARI -1/2.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 0, -0.5, -0.5},
		// Table [[2,1,0],[0,1,2]]: MI = (2/3) ln 2, H = ln 2 and ln 3.
		// NMI = (2/3 ln2) / ((ln2 + ln3)/2).
		{"refined", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, (4.0 / 3) * ln2 / (ln2 + ln3), math.NaN(), math.NaN()},
		// Both single cluster: perfect by convention.
		{"one-cluster-both", []int{3, 3, 3}, []int{1, 1, 1}, 1, 1, 1},
		// One labeling constant, the other not: no information.
		{"one-cluster-one-side", []int{3, 3, 3, 3}, []int{1, 2, 1, 2}, 0, 0, 0},
		{"single-sample", []int{4}, []int{2}, 1, 1, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nmi, err := NMI(tc.u, tc.v)
			if err != nil || !near(nmi, tc.nmi, 1e-12) {
				t.Errorf("NMI %v %v, want %v", nmi, err, tc.nmi)
			}
			if ami, err := AMI(tc.u, tc.v); !math.IsNaN(tc.ami) && (err != nil || !near(ami, tc.ami, 1e-12)) {
				t.Errorf("AMI %v %v, want %v", ami, err, tc.ami)
			}
			if ari, err := AdjustedRand(tc.u, tc.v); !math.IsNaN(tc.ari) && (err != nil || !near(ari, tc.ari, 1e-12)) {
				t.Errorf("ARI %v %v, want %v", ari, err, tc.ari)
			}
		})
	}
}

func TestMutualInfoErrors(t *testing.T) {
	for _, f := range []func(u, v []int) (float64, error){MutualInfo, NMI, AMI, AdjustedRand} {
		if _, err := f(nil, nil); !errors.Is(err, ErrEmpty) {
			t.Errorf("empty: %v", err)
		}
		if _, err := f([]int{1, 2}, []int{1}); !errors.Is(err, ErrShape) {
			t.Errorf("length: %v", err)
		}
	}
}
