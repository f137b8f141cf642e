package ag

import "math"

// Pow returns a^p element-wise for a constant exponent p, with gradient
// p*x^(p-1). Negative bases give NaN unless p is an integer (math.Pow rules).
// p = 2 and p = 0.5 are computed as x*x and sqrt(x).
func (t *Tape) Pow(a *Var, p float32) *Var {
	switch p {
	case 2:
		return t.unary("Pow", a,
			func(x float32) float32 { return x * x },
			func(x, _ float32) float32 { return 2 * x })
	case 1:
		return t.unary("Pow", a,
			func(x float32) float32 { return x },
			func(_, _ float32) float32 { return 1 })
	case 0:
		return t.unary("Pow", a,
			func(float32) float32 { return 1 },
			func(_, _ float32) float32 { return 0 })
	}
	pf := float64(p)
	return t.unary("Pow", a,
		func(x float32) float32 { return float32(math.Pow(float64(x), pf)) },
		func(x, _ float32) float32 { return float32(pf * math.Pow(float64(x), pf-1)) })
}
