package index

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestBenchLarge runs the benchmark harness on synthetic clustered data when
// CONTRAST_INDEX_BENCH=n,dim,nq[,efs] is set, e.g.
//
//	CONTRAST_INDEX_BENCH=100000,128,2000 go test ./index -run TestBenchLarge -v -timeout 30m
func TestBenchLarge(t *testing.T) {
	spec := os.Getenv("CONTRAST_INDEX_BENCH")
	if spec == "" {
		t.Skip("set CONTRAST_INDEX_BENCH=n,dim,nq to run")
	}
	parts := strings.Split(spec, ",")
	n, _ := strconv.Atoi(parts[0])
	d, _ := strconv.Atoi(parts[1])
	nq, _ := strconv.Atoi(parts[2])
	cfg := BenchConfig{Repeats: 3, Progress: func(s string) { t.Log(s) }}
	if len(parts) > 3 {
		for _, e := range strings.Split(parts[3], ":") {
			ef, _ := strconv.Atoi(e)
			cfg.Efs = append(cfg.Efs, ef)
		}
	}
	if q := os.Getenv("CONTRAST_INDEX_BENCH_QUANT"); q != "" {
		var err error
		if cfg.Quantization, err = ParseQuantization(q); err != nil {
			t.Fatal(err)
		}
		cfg.Rerank, _ = strconv.Atoi(os.Getenv("CONTRAST_INDEX_BENCH_RERANK"))
	}
	if m := os.Getenv("CONTRAST_INDEX_BENCH_METRIC"); m != "" {
		var err error
		if cfg.Metric, err = ParseMetric(m); err != nil {
			t.Fatal(err)
		}
	}
	base, queries := clustered(n, d, nq, 100, 1)
	rep, err := Bench(base, queries, d, cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(rep, "", " ")
	fmt.Println(string(b))
}
