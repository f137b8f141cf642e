package cli

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/internal/bench"
	"github.com/spf13/cobra"
)

func newBenchCmd() *cobra.Command {
	var (
		cfg         bench.Config
		only, jsonF string
		mnist       string
		threads     int
		quietWait   float64
		label       string
	)
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Run the side-by-side workloads of ../shared/bench (W1-W4, sgemm) and print images/s",
		Long: `bench runs exactly the workloads of shared/bench/pytorch_reference.py (W1 SimCLR ConvNet:
model step, augmentation, end to end; W2 triplet MLP; W3 Siamese MLP; W4 inference;
sgemm 1024^3 and 4096^3), timed the same way, and writes the same JSON keys, so that
shared/bench/compare.sh puts contrast and PyTorch side by side in one run.`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if only != "" {
				cfg.Only = strings.Split(only, ",")
			}
			out := cmd.ErrOrStderr()
			rep, err := bench.Run(cfg, func(f string, a ...any) { fmt.Fprintf(out, f+"\n", a...) })
			if err != nil {
				return UsageError{err}
			}
			b, _ := json.MarshalIndent(rep, "", "  ")
			if jsonF == "" {
				_, err = cmd.OutOrStdout().Write(append(b, '\n'))
				return err
			}
			return atomicfile.WriteFile(jsonF, append(b, '\n'), 0o644)
		},
	}
	f := cmd.Flags()
	f.StringVar(&only, "only", "", "comma list of workloads: gemm,w1,w2,w3,w4 (default all)")
	f.StringVar(&cfg.Opt, "opt", "sgd", "optimizer: sgd (lr 0.05, momentum 0.9) or adam (lr 1e-3)")
	f.IntVar(&cfg.Timings, "timings", 7, "timed blocks per workload (sgemm: at least 5 calls at 1024, always 3 at 4096, as the reference fixes its own)")
	f.IntVar(&cfg.Warmup, "warmup", 3, "untimed warm-up iterations")
	f.BoolVar(&cfg.Quick, "quick", false, "fewer iterations per timed block")
	f.BoolVar(&cfg.Synthetic, "synthetic", false, "use seeded random images, never MNIST")
	f.StringVar(&jsonF, "json", "", "write the JSON report to this file (default stdout)")
	// Accepted for compatibility with pytorch_reference.py's command line (compare.sh passes extras to both).
	f.StringVar(&mnist, "mnist", "", "ignored: MNIST is found in the Go module cache")
	f.IntVar(&threads, "threads", 2, "ignored: contrast uses GOMAXPROCS threads")
	f.Float64Var(&quietWait, "quiet-wait", 0, "ignored")
	f.StringVar(&label, "label", "", "ignored")
	return cmd
}
