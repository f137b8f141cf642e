package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"runtime/pprof"
	"strings"

	"github.com/spf13/cobra"
)

// Version is the contrast release, set at build time with -ldflags "-X".
var Version = "0.1.0-dev"

// UsageError marks an error caused by how the command was called (exit status 2).
type UsageError struct{ Err error }

func (e UsageError) Error() string { return e.Err.Error() }
func (e UsageError) Unwrap() error { return e.Err }

// usagef returns a UsageError with a formatted message.
func usagef(format string, args ...any) error { return UsageError{fmt.Errorf(format, args...)} }

// ExitCode maps an error from Run to the process exit status.
func ExitCode(err error) int {
	var u UsageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// Run executes the contrast command line args (without the program name).
func Run(ctx context.Context, args []string) error {
	root := newRoot(args)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && !isUsage(err) && (isFlagError(err) || strings.HasPrefix(err.Error(), "unknown command")) {
		return UsageError{err}
	}
	return err
}

func isUsage(err error) bool {
	var u UsageError
	return errors.As(err, &u)
}

// isFlagError recognises cobra's own parse errors (unknown flag or command, bad value).
func isFlagError(err error) bool {
	var fe *flagError
	return errors.As(err, &fe)
}

type flagError struct{ err error }

func (f *flagError) Error() string { return f.err.Error() }

func newRoot(args []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "contrast",
		Short: "Contrastive representation learning: train, evaluate, index and serve embeddings",
		Long: `contrast trains encoders with contrastive objectives (SimCLR, MoCo, BYOL, SimSiam,
Barlow Twins, VICReg, supervised contrastive, Siamese and triplet networks), evaluates
the embeddings (kNN, linear probe, retrieval metrics), and serves similarity search.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &flagError{err} })
	var cpuProfile string
	var stopProfile func()
	root.PersistentFlags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the command to this file")
	root.PersistentPreRunE = func(*cobra.Command, []string) error {
		if cpuProfile == "" {
			return nil
		}
		f, err := os.Create(cpuProfile)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			f.Close()
			return err
		}
		stopProfile = func() { pprof.StopCPUProfile(); f.Close() }
		return nil
	}
	root.PersistentPostRun = func(*cobra.Command, []string) {
		if stopProfile != nil {
			stopProfile()
		}
	}
	root.AddCommand(newTrainCmd(args), newEvalCmd(), newEmbedCmd(), newDataCmd(), newBenchCmd(), newIndexCmd(), newServeCmd(), newLoadtestCmd(), newVersionCmd())
	for _, c := range root.Commands() {
		c.Args = wrapArgs(c.Args)
	}
	return root
}

// wrapArgs turns positional-argument validation failures into usage errors.
func wrapArgs(v cobra.PositionalArgs) cobra.PositionalArgs {
	if v == nil {
		v = cobra.NoArgs
	}
	return func(cmd *cobra.Command, args []string) error {
		if err := v(cmd, args); err != nil {
			return UsageError{fmt.Errorf("%s: %w", cmd.CommandPath(), err)}
		}
		return nil
	}
}
