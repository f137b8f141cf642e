package index

import (
	"fmt"
	"runtime"
	"strings"
)

// Kind names an index implementation, as recorded in snapshots.
type Kind uint8

const (
	// KindFlat is the exact, brute-force index (Flat).
	KindFlat Kind = iota + 1
	// KindHNSW is the graph index of Malkov & Yashunin (HNSW).
	KindHNSW
)

// String returns "flat" or "hnsw".
func (k Kind) String() string {
	switch k {
	case KindFlat:
		return "flat"
	case KindHNSW:
		return "hnsw"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind parses "flat" or "hnsw" (case-insensitive).
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "flat", "exact":
		return KindFlat, nil
	case "hnsw":
		return KindHNSW, nil
	}
	return 0, fmt.Errorf("index: unknown index kind %q (want flat or hnsw)", s)
}

// Defaults used where a Config field is zero.
const (
	DefaultM              = 16
	DefaultEfConstruction = 200
	DefaultEf             = 64
)

// Config describes an index. Dim and Metric are required; every other zero
// field takes its default.
type Config struct {
	// Dim is the vector dimension (> 0).
	Dim int
	// Metric ranks results (Cosine, Dot or L2).
	Metric Metric

	// Quantization stores vectors as 8-bit codes (see Quantization) and searches
	// on them. NoQuant (the zero value) stores float32.
	Quantization Quantization
	// Rerank, with quantization, also keeps the float32 vectors once the
	// quantizer is fitted and re-ranks the best Rerank*k candidates found on
	// codes with exact distances. 0 keeps codes only (4x less memory) and
	// returns approximate scores. Before the fit (fewer than MinQuantFit live
	// items, see Quantization) there are no codes: float32 vectors are kept
	// and searched exactly whatever Rerank says.
	Rerank int

	// M is HNSW's number of links per node on the upper layers; layer 0 keeps
	// 2*M (hnswlib's convention). Default 16.
	M int
	// EfConstruction is HNSW's candidate-list size while inserting. Default 200.
	EfConstruction int
	// Ef is HNSW's default candidate-list size while searching (Params.Ef
	// overrides it per search). Default 64.
	Ef int
	// Seed seeds HNSW's level generator.
	Seed uint64
	// BuildWorkers is the number of goroutines inserting a batch into HNSW in
	// parallel (0: GOMAXPROCS). With 1 worker a build is deterministic.
	BuildWorkers int
}

// withDefaults validates c and fills in defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Dim <= 0 || c.Dim > 1<<20 {
		return c, fmt.Errorf("index: dimension %d out of range (1..%d)", c.Dim, 1<<20)
	}
	if !c.Metric.valid() {
		return c, fmt.Errorf("index: metric %v is not set or unknown (want Cosine, Dot or L2)", c.Metric)
	}
	if !c.Quantization.valid() {
		return c, fmt.Errorf("index: unknown quantization %v", c.Quantization)
	}
	if c.Rerank < 0 || c.Rerank > 1000 {
		return c, fmt.Errorf("index: rerank factor %d out of range (0..1000)", c.Rerank)
	}
	if c.Rerank > 0 && c.Quantization == NoQuant {
		return c, fmt.Errorf("index: rerank %d needs quantization", c.Rerank)
	}
	if c.M == 0 {
		c.M = DefaultM
	}
	if c.EfConstruction == 0 {
		c.EfConstruction = DefaultEfConstruction
	}
	if c.Ef == 0 {
		c.Ef = DefaultEf
	}
	if c.M < 2 || c.M > 1024 {
		return c, fmt.Errorf("index: HNSW M %d out of range (2..1024)", c.M)
	}
	if c.EfConstruction < 1 || c.EfConstruction > 1<<16 {
		return c, fmt.Errorf("index: HNSW efConstruction %d out of range (1..65536)", c.EfConstruction)
	}
	if c.Ef < 1 || c.Ef > 1<<16 {
		return c, fmt.Errorf("index: HNSW ef %d out of range (1..65536)", c.Ef)
	}
	if c.BuildWorkers < 0 {
		return c, fmt.Errorf("index: negative build workers %d", c.BuildWorkers)
	}
	return c, nil
}

func (c Config) workers() int {
	if c.BuildWorkers > 0 {
		return c.BuildWorkers
	}
	return runtime.GOMAXPROCS(0)
}
