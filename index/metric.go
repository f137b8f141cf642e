package index

import (
	"fmt"
	"strings"
)

// Metric is the similarity an index ranks by.
type Metric uint8

const (
	// Cosine is cosine similarity: vectors (stored and query) are normalised to
	// unit length on the way in and compared by inner product. Score is the
	// cosine, in [-1, 1], higher is closer.
	Cosine Metric = iota + 1
	// Dot is the raw inner product (maximum inner product search). Score is the
	// inner product, higher is closer.
	Dot
	// L2 is the squared Euclidean distance. Score is the squared distance, lower
	// is closer.
	L2
)

// String returns the metric's canonical name: "cosine", "dot" or "l2".
func (m Metric) String() string {
	switch m {
	case Cosine:
		return "cosine"
	case Dot:
		return "dot"
	case L2:
		return "l2"
	}
	return fmt.Sprintf("Metric(%d)", uint8(m))
}

// ParseMetric parses a metric name: "cosine" (or "cos"), "dot" (or "ip",
// "inner_product"), "l2" (or "euclidean", "sqeuclidean"); case-insensitive.
func ParseMetric(s string) (Metric, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "cosine", "cos":
		return Cosine, nil
	case "dot", "ip", "inner_product":
		return Dot, nil
	case "l2", "euclidean", "sqeuclidean":
		return L2, nil
	}
	return 0, fmt.Errorf("index: unknown metric %q (want cosine, dot or l2)", s)
}

func (m Metric) valid() bool { return m >= Cosine && m <= L2 }

// score converts an internal distance (lower is closer for every metric) to
// the metric's natural score.
func (m Metric) score(d float32) float32 {
	if m == L2 {
		return d
	}
	return -d
}
