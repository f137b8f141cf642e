package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/contrast-ml/contrast/recommend"
	"github.com/contrast-ml/contrast/text"
	"github.com/contrast-ml/contrast/threat"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

// trainTask is one application that `contrast train` runs, chosen by the
// config's top-level "task" field.
type trainTask struct {
	name     string
	defaults func() any // a pointer to a config holding the defaults
	validate func(cfg any) error
	runName  func(cfg any) string
	run      func(ctx context.Context, cmd *cobra.Command, cfg any, o trainOpts) error
}

// tasks lists the applications; image is the default.
var tasks = []trainTask{
	{
		name:     "image",
		defaults: func() any { c := train.Default(); return &c },
		validate: func(c any) error { return c.(*train.Config).Validate() },
		runName:  func(c any) string { return c.(*train.Config).Method.String() },
		run: func(ctx context.Context, cmd *cobra.Command, c any, o trainOpts) error {
			return runImage(ctx, cmd, *c.(*train.Config), o)
		},
	},
	appTask("text", text.Default, (*text.Config).Validate, text.Train),
	appTask("threat", threat.Default, (*threat.Config).Validate, threat.Train),
	appTask("recommend", recommend.Default, (*recommend.Config).Validate, recommend.Train),
}

// appTask adapts an application package (text, threat, recommend) whose Train
// writes its own run directory and returns the final metrics.
func appTask[C any](name string, defaults func() C, validate func(*C) error,
	run func(context.Context, C, string, *slog.Logger) (map[string]float64, error)) trainTask {
	return trainTask{
		name:     name,
		defaults: func() any { c := defaults(); return &c },
		validate: func(c any) error { return validate(c.(*C)) },
		runName:  func(any) string { return name },
		run: func(ctx context.Context, cmd *cobra.Command, c any, o trainOpts) error {
			if o.resume || o.tensorboard != "" {
				return usagef("train: --resume and --tensorboard are for image tasks; task %s does not take them", name)
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			if o.quiet {
				log = slog.New(slog.DiscardHandler)
			}
			if err := os.MkdirAll(o.out, 0o755); err != nil {
				return err
			}
			m, err := run(ctx, *c.(*C), o.out, log)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: metrics in %s\n", name, filepath.Join(o.out, "metrics.json"))
			return printMetrics(cmd, m, false)
		},
	}
}

func taskNames() string {
	names := make([]string, len(tasks))
	for i, t := range tasks {
		names[i] = t.name
	}
	return strings.Join(names, ", ")
}

// taskFor returns the task called name ("" means image).
func taskFor(name string) (trainTask, error) {
	if name == "" {
		name = "image"
	}
	i := slices.IndexFunc(tasks, func(t trainTask) bool { return t.name == name })
	if i < 0 {
		return tasks[0], fmt.Errorf("config: unknown task %q (want one of %s)", name, taskNames())
	}
	return tasks[i], nil
}

// peekConfig returns the task named by the --config file among args, if any.
// Errors are left for the full load to report.
func peekConfig(args []string) string {
	path := ""
	for i, a := range args {
		switch {
		case a == "--config" && i+1 < len(args):
			path = args[i+1]
		case strings.HasPrefix(a, "--config="):
			path = strings.TrimPrefix(a, "--config=")
		}
	}
	if path == "" {
		return ""
	}
	return configTask(path)
}
