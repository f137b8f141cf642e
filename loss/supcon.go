package loss

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// SupCon is the supervised contrastive loss L_out of Khosla et al. 2020 (arXiv
// 2004.11362): every other row with the same class label is a positive. z is
// (n, d) (all views stacked), labels has n entries. Rows are L2-normalised inside.
type SupCon struct{ InfoNCE }

// NewSupCon validates the temperature.
func NewSupCon(temperature float32) (SupCon, error) {
	l, err := NewInfoNCE(temperature)
	return SupCon{l}, err
}

// Forward returns the scalar loss.
func (l SupCon) Forward(t *ag.Tape, z *ag.Var, labels []int) *ag.Var {
	if z.Value.Dims() != 2 || len(labels) != z.Shape()[0] {
		panic(fmt.Sprintf("loss: SupCon: %d labels for embeddings %v", len(labels), z.Shape()))
	}
	zn := t.L2Normalize(z, 1e-12)
	return l.InfoNCE.Forward(t, zn, zn, labels, labels, true)
}
