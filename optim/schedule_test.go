package optim

import (
	"fmt"
	"math"
	"testing"
)

func TestSchedules(t *testing.T) {
	wc, err := NewWarmupCosine(1, 0.1, 4, 14)
	if err != nil {
		t.Fatal(err)
	}
	noWarm, _ := NewWarmupCosine(2, 0, 0, 4)
	sd, _ := NewStepDecay(0.5, 0.1, 3)
	cst, _ := NewConstant(0.3)
	cases := []struct {
		s    Schedule
		kind string
		want map[int]float64
	}{
		// Warm-up 0.25, 0.5, 0.75, 1; cosine over 10 steps: 0.1 + 0.9·(1+cos(πk/10))/2.
		{wc, "warmup-cosine", map[int]float64{-3: 0.25, 0: 0.25, 1: 0.5, 3: 1, 4: 1,
			9: 0.1 + 0.45, // k = 5: cos(π/2) = 0
			6: 0.1 + 0.45*(1+math.Cos(math.Pi/5)), 13: 0.1 + 0.45*(1+math.Cos(9*math.Pi/10)), 14: 0.1, 100: 0.1}},
		{noWarm, "warmup-cosine", map[int]float64{0: 2, 1: 1 + math.Cos(math.Pi/4), 2: 1, 4: 0}},
		{sd, "step", map[int]float64{0: 0.5, 2: 0.5, 3: 0.05, 5: 0.05, 6: 0.005, -1: 0.5}},
		{cst, "constant", map[int]float64{0: 0.3, 1000000: 0.3}},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v", c.s), func(t *testing.T) {
			if got := c.s.Kind().String(); got != c.kind {
				t.Errorf("Kind = %q, want %q", got, c.kind)
			}
			for step, want := range c.want {
				if got := c.s.LR(step); math.Abs(got-want) > 1e-12 {
					t.Errorf("LR(%d) = %v, want %v", step, got, want)
				}
			}
		})
	}
}

func TestWarmupCosineMonotone(t *testing.T) {
	s, _ := NewWarmupCosine(0.3, 0.001, 10, 200)
	prev := 0.0
	for step := range 250 {
		lr := s.LR(step)
		if step < 10 && lr <= prev || step >= 10 && lr > prev || lr < 0.001-1e-15 || lr > 0.3 {
			t.Fatalf("LR(%d) = %v after %v", step, lr, prev)
		}
		prev = lr
	}
}

func TestScheduleErrors(t *testing.T) {
	cases := []struct {
		name string
		err  error
	}{
		{"constant negative", second(NewConstant(-1))},
		{"cosine floor above base", second(NewWarmupCosine(0.1, 0.2, 0, 10))},
		{"cosine warmup beyond total", second(NewWarmupCosine(0.1, 0, 11, 10))},
		{"cosine zero total", second(NewWarmupCosine(0.1, 0, 0, 0))},
		{"cosine nan", second(NewWarmupCosine(math.NaN(), 0, 0, 10))},
		{"step gamma", second(NewStepDecay(0.1, 0, 10))},
		{"step period", second(NewStepDecay(0.1, 0.5, 0))},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	if ScheduleKind(9).String() != "ScheduleKind(9)" {
		t.Error("unknown kind name")
	}
}
