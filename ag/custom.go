package ag

// This file is the extension point for ops written outside package ag, such as
// the fused, memory-bounded losses of package loss: they allocate their output
// with NewOutput, compute the forward themselves, and register a backward closure
// with Record that accumulates into GradOf(input).

// NewOutput returns an op's output Var with an uninitialised pooled value of shape.
func (t *Tape) NewOutput(op string, shape ...int) *Var { return t.newVar(op, shape...) }

// Record registers back as out's backward when any input needs a gradient; back
// receives out's gradient (same length as its value) and must add, never assign,
// into GradOf of each input.
func (t *Tape) Record(out *Var, back func(g []float32), inputs ...*Var) {
	t.record(out, back, inputs...)
}

// GradOf returns v's gradient buffer for accumulation (allocated zeroed on first
// use), or nil when v needs no gradient.
func (t *Tape) GradOf(v *Var) []float32 { return t.gradOf(v) }

// Scratch returns a pooled buffer of n float32s, contents undefined, valid until Reset.
func (t *Tape) Scratch(n int) []float32 { return t.scratch(n) }
