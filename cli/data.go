package cli

import (
	"fmt"

	"github.com/contrast-ml/contrast/data"
	"github.com/spf13/cobra"
)

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Inspect data sources",
	}
	var n int
	inspect := &cobra.Command{
		Use:   "inspect SPEC",
		Short: "Print a data source's size, classes, shapes and a few examples",
		Long:  "inspect loads a data source named by a spec string and describes it.\nAccepted specs: " + data.SpecForms,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := data.ParseSpec(args[0]); err != nil {
				return UsageError{err}
			}
			s, err := data.Inspect(args[0], n)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), s)
			return err
		},
	}
	inspect.Flags().IntVar(&n, "n", 3, "examples to show")
	inspect.Args = wrapArgs(inspect.Args)
	cmd.AddCommand(inspect)
	return cmd
}
