package cli

import (
	"fmt"
	"runtime"

	"github.com/contrast-ml/contrast/internal/kernels"
	"github.com/spf13/cobra"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, Go version and the kernel path chosen for this CPU",
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "contrast %s (%s, %s/%s, kernels %s, GOMAXPROCS %d)\n",
				Version, runtime.Version(), runtime.GOOS, runtime.GOARCH, kernels.Path(), runtime.GOMAXPROCS(0))
			return err
		},
	}
}
