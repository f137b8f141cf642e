// Command contrast trains, evaluates, indexes and serves contrastive embeddings.
// See the README for a tour; `contrast help` lists the subcommands.
package main

import (
	"fmt"
	"os"

	"github.com/contrast-ml/contrast/cli"
)

func main() {
	ctx, stop := cli.SignalContext(os.Stderr)
	defer stop()
	if err := cli.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "contrast:", err)
		os.Exit(cli.ExitCode(err))
	}
}
