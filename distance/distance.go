package distance

import (
	"fmt"

	"github.com/contrast-ml/contrast/ag"
)

// Distance measures how far apart embeddings are.
type Distance interface {
	// Matrix returns the (n, m) distances between rows of a (n, d) and b (m, d).
	Matrix(t *ag.Tape, a, b *ag.Var) *ag.Var
	// Pairs returns the (n) distances between a[i] and b[i], both (n, d).
	Pairs(t *ag.Tape, a, b *ag.Var) *ag.Var
	// Similarity reports whether larger values mean closer (cosine, dot).
	Similarity() bool
	fmt.Stringer
}

// Kind names a distance, for configs and flags.
type Kind int

// The distances.
const (
	KindEuclidean Kind = iota
	KindSquaredEuclidean
	KindCosine
	KindDot
)

func (k Kind) String() string {
	switch k {
	case KindEuclidean:
		return "euclidean"
	case KindSquaredEuclidean:
		return "squared-euclidean"
	case KindCosine:
		return "cosine"
	case KindDot:
		return "dot"
	}
	return fmt.Sprintf("distance.Kind(%d)", int(k))
}

// ParseKind reads a distance name as written in configs.
func ParseKind(s string) (Kind, error) {
	for k := KindEuclidean; k <= KindDot; k++ {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("distance: unknown %q (want euclidean, squared-euclidean, cosine or dot)", s)
}

// New returns the Distance of a kind.
func New(k Kind) Distance {
	switch k {
	case KindEuclidean:
		return Euclidean{}
	case KindSquaredEuclidean:
		return SquaredEuclidean{}
	case KindCosine:
		return Cosine{}
	case KindDot:
		return Dot{}
	}
	panic(fmt.Sprintf("distance: New(%v)", k))
}

func checkRows(op string, a, b *ag.Var, same bool) (n, m, d int) {
	if a.Value.Dims() != 2 || b.Value.Dims() != 2 || a.Shape()[1] != b.Shape()[1] || (same && a.Shape()[0] != b.Shape()[0]) {
		panic(fmt.Sprintf("distance: %s: shapes %v and %v", op, a.Shape(), b.Shape()))
	}
	return a.Shape()[0], b.Shape()[0], a.Shape()[1]
}
