package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// Reduction turns per-tuple losses into the scalar that is minimised.
type Reduction int

// The reductions.
const (
	// Mean averages over all tuples.
	Mean Reduction = iota
	// MeanNonZero averages over tuples with a positive loss (pytorch-metric-learning's
	// AvgNonZeroReducer; Hermans et al. 2017's batch-all), so easy tuples do not dilute it.
	MeanNonZero
	// Sum adds the tuples' losses.
	Sum
)

func (r Reduction) String() string {
	switch r {
	case Mean:
		return "mean"
	case MeanNonZero:
		return "mean-nonzero"
	case Sum:
		return "sum"
	}
	return fmt.Sprintf("loss.Reduction(%d)", int(r))
}

// reduce applies r to the (n) losses x; an empty x gives a zero loss.
func (r Reduction) reduce(t *ag.Tape, x *ag.Var) *ag.Var {
	n := x.Value.Numel()
	if n == 0 {
		out := t.NewOutput("EmptyLoss")
		out.Value.Data[0] = 0
		return out
	}
	switch r {
	case Sum:
		return t.Sum(x, false)
	case MeanNonZero:
		c := 0
		for _, v := range x.Value.Data {
			if v > 0 {
				c++
			}
		}
		return t.Scale(t.Sum(x, false), 1/float32(max(c, 1)))
	}
	return t.Mean(x, false)
}
