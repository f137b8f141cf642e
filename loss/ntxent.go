package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// NTXent is SimCLR's normalised temperature-scaled cross-entropy (Chen et al.
// 2020, arXiv 2002.05709). z is (2N, d): rows i and i+N are two views of one
// example. Each row's positive is its other view; the other 2N-2 rows are
// negatives. Rows are L2-normalised inside, so s_ij is a cosine over T.
type NTXent struct{ InfoNCE }

// NewNTXent validates the temperature.
func NewNTXent(temperature float32) (NTXent, error) {
	l, err := NewInfoNCE(temperature)
	return NTXent{l}, err
}

// Forward returns the scalar loss for z (2N, d).
func (l NTXent) Forward(t *ag.Tape, z *ag.Var) *ag.Var {
	if z.Value.Dims() != 2 || z.Shape()[0]%2 != 0 {
		panic(fmt.Sprintf("loss: NTXent needs (2N, d) views, got %v", z.Shape()))
	}
	n2 := z.Shape()[0]
	labels := viewLabels(n2)
	zn := t.L2Normalize(z, 1e-12)
	return l.InfoNCE.Forward(t, zn, zn, labels, labels, true)
}

// viewLabels labels row i of 2N stacked views with its example index i mod N.
func viewLabels(n2 int) []int {
	labels := make([]int, n2)
	for i := range labels {
		labels[i] = i % (n2 / 2)
	}
	return labels
}
