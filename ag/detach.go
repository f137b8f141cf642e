package ag

// Detach returns a constant that shares a's value but lets no gradient through:
// the stop-gradient of SimSiam (Chen & He 2020, arXiv 2011.10566) and of BYOL's
// target branch (Grill et al. 2020, arXiv 2006.07733). Nothing is copied or
// recorded; the value lives as long as a's (until the tape's Reset).
func (t *Tape) Detach(a *Var) *Var {
	return &Var{Value: a.Value, Name: "Detach"}
}
