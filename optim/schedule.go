package optim

import (
	"fmt"
	"math"
)

// ScheduleKind names a learning-rate schedule.
type ScheduleKind int

// The schedules.
const (
	KindConstant ScheduleKind = iota
	KindWarmupCosine
	KindStepDecay
)

func (k ScheduleKind) String() string {
	switch k {
	case KindConstant:
		return "constant"
	case KindWarmupCosine:
		return "warmup-cosine"
	case KindStepDecay:
		return "step"
	}
	return fmt.Sprintf("ScheduleKind(%d)", int(k))
}

// Schedule maps a zero-based optimizer step to a learning rate. Schedules are
// pure: the rate depends on the step only, so a resumed run needs no extra state.
type Schedule interface {
	LR(step int) float64
	Kind() ScheduleKind
}

// Constant is a fixed learning rate.
type Constant struct{ Base float64 }

// NewConstant returns a constant schedule.
func NewConstant(base float64) (Constant, error) {
	if err := checkRate("constant", "base", base); err != nil {
		return Constant{}, err
	}
	return Constant{base}, nil
}

// LR returns Base.
func (c Constant) LR(int) float64 { return c.Base }

// Kind returns KindConstant.
func (Constant) Kind() ScheduleKind { return KindConstant }

// WarmupCosine is a linear warm-up followed by a half-cosine decay to a floor
// (Goyal et al. 2017, arXiv 1706.02677, for the warm-up; Loshchilov & Hutter
// 2016, arXiv 1608.03983, for the cosine, without restarts), as SimCLR, BYOL and
// MoCo v3 train:
//
//	step < Warmup:          Base·(step+1)/Warmup
//	Warmup <= step < Total: Floor + (Base-Floor)·(1+cos(π·(step-Warmup)/(Total-Warmup)))/2
//	step >= Total:          Floor
type WarmupCosine struct {
	Base, Floor   float64
	Warmup, Total int
}

// NewWarmupCosine returns a warm-up and cosine schedule over total steps, of which
// the first warmup (possibly 0) ramp up linearly.
func NewWarmupCosine(base, floor float64, warmup, total int) (WarmupCosine, error) {
	if err := checkRate("warmup-cosine", "base", base); err != nil {
		return WarmupCosine{}, err
	}
	if err := checkRate("warmup-cosine", "floor", floor); err != nil {
		return WarmupCosine{}, err
	}
	switch {
	case floor > base:
		return WarmupCosine{}, fmt.Errorf("optim: warmup-cosine: floor %v above base %v", floor, base)
	case total <= 0 || warmup < 0 || warmup > total:
		return WarmupCosine{}, fmt.Errorf("optim: warmup-cosine: need 0 <= warmup (%d) <= total (%d) and total > 0", warmup, total)
	}
	return WarmupCosine{Base: base, Floor: floor, Warmup: warmup, Total: total}, nil
}

// LR returns the rate at step.
func (s WarmupCosine) LR(step int) float64 {
	switch {
	case step < 0:
		step = 0
	case step >= s.Total:
		return s.Floor
	}
	if step < s.Warmup {
		return s.Base * float64(step+1) / float64(s.Warmup)
	}
	progress := float64(step-s.Warmup) / float64(s.Total-s.Warmup)
	return s.Floor + (s.Base-s.Floor)*0.5*(1+math.Cos(math.Pi*progress))
}

// Kind returns KindWarmupCosine.
func (WarmupCosine) Kind() ScheduleKind { return KindWarmupCosine }

// StepDecay multiplies the rate by Gamma every Every steps, as
// torch.optim.lr_scheduler.StepLR: Base·Gamma^⌊step/Every⌋.
type StepDecay struct {
	Base, Gamma float64
	Every       int
}

// NewStepDecay returns a step-decay schedule.
func NewStepDecay(base, gamma float64, every int) (StepDecay, error) {
	if err := checkRate("step", "base", base); err != nil {
		return StepDecay{}, err
	}
	switch {
	case !(gamma > 0 && gamma <= 1):
		return StepDecay{}, fmt.Errorf("optim: step: gamma %v outside (0, 1]", gamma)
	case every <= 0:
		return StepDecay{}, fmt.Errorf("optim: step: period %d must be positive", every)
	}
	return StepDecay{Base: base, Gamma: gamma, Every: every}, nil
}

// LR returns the rate at step.
func (s StepDecay) LR(step int) float64 {
	return s.Base * math.Pow(s.Gamma, float64(max(step, 0)/s.Every))
}

// Kind returns KindStepDecay.
func (StepDecay) Kind() ScheduleKind { return KindStepDecay }

func checkRate(sched, what string, v float64) error {
	if !(v >= 0) || math.IsInf(v, 0) {
		return fmt.Errorf("optim: %s: invalid %s rate %v", sched, what, v)
	}
	return nil
}
