package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/contrast-ml/contrast/internal/config"
	"github.com/contrast-ml/contrast/report"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

// trainOpts are the flags of `contrast train` that are not config fields.
type trainOpts struct {
	out, tensorboard string
	resume, quiet    bool
}

// newTrainCmd builds `contrast train` for the task that args' --config names
// (task: image when absent), binding one flag per field of that task's config.
func newTrainCmd(args []string) *cobra.Command {
	var (
		cfgFile string
		opts    trainOpts
	)
	tk, terr := taskFor(peekConfig(args))
	scratch := tk.defaults()
	cmd := &cobra.Command{
		Use:   "train [--config FILE] [--data SPEC] [--out DIR] [flags]",
		Short: "Train an encoder with a contrastive method; with no arguments, SimCLR on MNIST",
		Long: `train trains an encoder with a contrastive method and evaluates it.

With no arguments it trains the default: SimCLR on MNIST with the W1 ConvNet, and
ends by printing kNN and linear-probe accuracy. A YAML config (--config, see
examples/) sets every field; each field is also a flag named by its YAML path
(--optim.lr 3e-4), and flags win over the file. --data overrides the data set.
A config's "task" field picks the application: ` + taskNames() + `; the flags
listed below are those of the task of the --config given (image without one).

The run directory (--out) receives metrics.jsonl (per epoch), metrics.json (final),
the model (model.safetensors, model.json, config.yaml), resumable checkpoints,
PNG plots and report.html. Ctrl-C saves a checkpoint; --resume continues it.`,
		Example: `  contrast train
  contrast train --config examples/triplet-mnist.yaml --out runs/triplet
  contrast train --method byol --epochs 20 --data idx:/data/fashion --out runs/byol`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if terr != nil {
				return UsageError{terr}
			}
			cfg := tk.defaults()
			if cfgFile != "" {
				if err := config.Load(cfgFile, cfg); err != nil {
					return UsageError{err}
				}
			}
			if err := config.ApplyChanged(cmd.Flags(), cfg); err != nil {
				return UsageError{err}
			}
			if err := tk.validate(cfg); err != nil {
				return UsageError{fmt.Errorf("train: %w", err)}
			}
			if opts.out == "" {
				opts.out = filepath.Join("runs", fmt.Sprintf("%s-%s", tk.runName(cfg), time.Now().Format("20060102-150405")))
			}
			if !opts.resume {
				if err := checkFreshOut(opts.out); err != nil {
					return UsageError{err}
				}
			}
			return tk.run(cmd.Context(), cmd, cfg, opts)
		},
	}
	f := cmd.Flags()
	f.StringVar(&cfgFile, "config", "", "YAML run config (see examples/)")
	f.StringVar(&opts.out, "out", "", "run directory (default runs/METHOD-TIME)")
	f.BoolVar(&opts.resume, "resume", false, "continue the run in --out from its latest checkpoint")
	f.StringVar(&opts.tensorboard, "tensorboard", "", "also write TensorBoard event files to this directory")
	f.BoolVar(&opts.quiet, "quiet", false, "no progress bars or logs, only the final figures")
	config.Bind(f, scratch)
	f.SortFlags = false
	return cmd
}

// runImage trains an image method (package train) and writes its report.
func runImage(ctx context.Context, cmd *cobra.Command, cfg train.Config, o trainOpts) error {
	out, tb, resume, quiet := o.out, o.tensorboard, o.resume, o.quiet
	stderr := cmd.ErrOrStderr()
	var progress io.Writer = stderr
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if quiet {
		progress, log = nil, slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	open := report.CreateMetricsLog
	if resume {
		open = report.AppendMetricsLog
	}
	mlog, err := open(filepath.Join(out, "metrics.jsonl"))
	if err != nil {
		return err
	}
	defer mlog.Close()
	var events *report.EventWriter
	if tb != "" {
		if err := os.MkdirAll(tb, 0o755); err != nil {
			return err
		}
		if events, err = report.NewEventWriter(tb); err != nil {
			return err
		}
		defer events.Close()
	}
	var records []report.Record
	onRecord := func(r train.Record) {
		rec := report.Record{Epoch: int(r["epoch"]), Step: int64(r["step"]), Values: map[string]float64{}}
		for k, v := range r {
			if k != "epoch" && k != "step" {
				rec.Values[k] = v
			}
		}
		records = append(records, rec)
		if err := mlog.Write(rec); err != nil {
			log.Error("metrics log", "err", err)
		}
		if events != nil {
			if err := events.Record(rec); err != nil {
				log.Error("tensorboard", "err", err)
			}
		}
	}
	log.Info("training", "method", cfg.Method, "data", cfg.Data, "encoder", cfg.Encoder.Kind, "out", out)
	res, err := train.Run(ctx, cfg, train.Options{Out: out, Resume: resume, Log: log, Progress: progress, OnRecord: onRecord})
	if errors.Is(err, context.Canceled) && train.HasCheckpoint(out) {
		return fmt.Errorf("interrupted: checkpoint saved; continue with: contrast train --config %s --out %s --resume",
			filepath.Join(out, train.ConfigFile), out)
	}
	if err != nil {
		return err
	}
	if err := report.WriteMetricsJSON(filepath.Join(out, "metrics.json"), res.Metrics); err != nil {
		return err
	}
	if err := writeRunReport(out, cfg, res, records); err != nil {
		log.Error("report", "err", err)
	}
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "%s on %s: knn_top1 %.4f  linear_top1 %.4f  precision_at_1 %.4f  map_at_r %.4f  (%.0f s training)\n",
		cfg.Method, cfg.Data, res.Metrics["knn_top1"], res.Metrics["linear_top1"], res.Metrics["precision_at_1"],
		res.Metrics["map_at_r"], res.Metrics["train_seconds"])
	fmt.Fprintf(w, "run directory: %s (metrics.json, report.html)\n", out)
	return nil
}

// trainedFiles are the model files a run of contrast train (any task) writes
// once it has trained something: image runs at every checkpoint, the other
// tasks before they score their test data. A run that failed earlier leaves
// at most config.yaml and metrics.jsonl, and training into its directory
// again is fine.
var trainedFiles = []string{"model.json", "model.safetensors"}

// checkFreshOut refuses an --out that holds a run worth keeping, so that
// training (or a rerun that fails at its first step) cannot overwrite an
// earlier run's model, metrics and checkpoints. The error says what the
// directory holds: a finished run (its final metrics.json), an interrupted
// one with a checkpoint (--resume continues it), or a trained model whose
// run stopped later. An --out that does not exist, an empty or unrelated
// directory, or the leftovers of a run that failed before training are fine.
func checkFreshOut(out string) error {
	fi, err := os.Stat(out)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("train: --out %s: %w", out, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("train: --out %s is a file, not a directory", out)
	}
	exists := func(name string) bool { _, err := os.Lstat(filepath.Join(out, name)); return err == nil }
	resumable := train.HasCheckpoint(out)
	switch {
	case exists("metrics.json") && resumable:
		return fmt.Errorf("train: --out %s already holds a finished run (metrics.json): choose another --out, or train it further with --resume", out)
	case exists("metrics.json"):
		return fmt.Errorf("train: --out %s already holds a finished run (metrics.json): choose another --out, or remove it to train anew", out)
	case resumable:
		return fmt.Errorf("train: --out %s holds an interrupted run with a checkpoint: continue it with --resume, or choose another --out", out)
	}
	for _, name := range trainedFiles {
		if exists(name) {
			return fmt.Errorf("train: --out %s holds a trained model (%s) of a run that did not finish: choose another --out, or remove it to train anew", out, name)
		}
	}
	return nil
}
