package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/internal/npy"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

func newEmbedCmd() *cobra.Command {
	var model, spec, out, split string
	cmd := &cobra.Command{
		Use:   "embed --model DIR --data SPEC --out FILE.npy|FILE.jsonl [--split test]",
		Short: "Write the embeddings of a data set as NumPy .npy or JSON Lines",
		Long: `embed runs a data set through a trained encoder and writes one embedding per example:
.npy (float32, (n, dim), readable by numpy.load) or .jsonl ({"index", "label", "embedding"}
per line), chosen by the file extension. The file is written atomically.`,
		Example: "  contrast embed --model runs/simclr --data mnist --split test --out test.npy",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if model == "" || spec == "" || out == "" {
				return usagef("embed: --model DIR, --data SPEC and --out FILE are required")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if ext != ".npy" && ext != ".jsonl" {
				return usagef("embed: --out %q: want a .npy or .jsonl file", out)
			}
			if _, err := data.ParseSpec(spec); err != nil {
				return UsageError{err}
			}
			l, _, _, err := train.LoadModel(model)
			if err != nil {
				return err
			}
			set, err := data.LoadString(spec)
			if err != nil {
				return err
			}
			im, err := set.Images(split)
			if err != nil {
				return UsageError{fmt.Errorf("embed: %w", err)}
			}
			z := train.Embed(l.Encoder(), im, true)
			if ext == ".npy" {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error { return npy.Write(w, z.Data, z.Rows, z.Cols) })
			} else {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error {
					enc := json.NewEncoder(w)
					for i := range z.Rows {
						if err := enc.Encode(map[string]any{"index": i, "label": im.Labels[i], "embedding": z.Row(i)}); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d embeddings of dimension %d to %s\n", z.Rows, z.Cols, out)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "run directory written by contrast train")
	f.StringVar(&spec, "data", "", "data source spec: "+data.SpecForms)
	f.StringVar(&split, "split", "", "split to embed (train, test; default the first)")
	f.StringVar(&out, "out", "", "output file, .npy or .jsonl")
	return cmd
}
