package train

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/augment"
	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/eval"
	"github.com/contrast-ml/contrast/optim"
	"github.com/contrast-ml/contrast/tensor"
	"github.com/schollz/progressbar/v3"
)

// Options are the parts of a run that are not in its config.
type Options struct {
	Out      string       // run directory (created)
	Resume   bool         // continue from Out's latest checkpoint
	Log      *slog.Logger // nil: discard
	Progress io.Writer    // progress bars; nil: none
	// OnRecord receives every metrics record (per epoch, and the final one),
	// for the metrics log, TensorBoard and plots.
	OnRecord func(Record)

	stopAt int // tests: stop as if interrupted once this many steps are done
}

// Record is one line of the metrics log: "epoch", "step" and named values.
type Record map[string]float64

// ErrNonFinite reports a NaN or Inf loss or gradient; the last good checkpoint stays.
var ErrNonFinite = errors.New("non-finite value")

// Result is what a finished run hands back: the final metrics, the trained
// method and the data it was evaluated on (for reports).
type Result struct {
	Metrics map[string]float64
	Learner Learner
	Meta    ModelMeta
	Train   *data.Images
	Test    *data.Images
}

// Run trains cfg's method on its data, evaluates it and writes the run
// directory. A cancelled ctx (Ctrl-C) saves a checkpoint and returns ctx.Err().
func Run(ctx context.Context, cfg Config, opt Options) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("train: config: %w", err)
	}
	log := opt.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := os.MkdirAll(opt.Out, 0o755); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	set, err := data.LoadString(cfg.Data)
	if err != nil {
		return nil, err
	}
	trainSet, err := set.Images("train")
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w (image methods need an image source with a train split)", cfg.Data, err)
	}
	testSet, err := set.Images("test")
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w", cfg.Data, err)
	}
	trainSet = limit(trainSet, cfg.TrainLimit, cfg.Seed)
	testSet = limit(testSet, cfg.TestLimit, cfg.Seed+1)
	fit, heldOut := splitHeldOut(trainSet, cfg.Monitor.HeldOut, cfg.Seed)
	in := Shape{C: trainSet.C, H: trainSet.H, W: trainSet.W}
	l, err := NewLearner(cfg, in, trainSet.NumClasses(), cfg.Seed)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	r := &runner{cfg: cfg, opt: opt, log: log, learner: l, fit: fit, heldOut: heldOut, in: in, saved: -1}
	r.meta = ModelMeta{Method: cfg.Method.String(), Input: in, Classes: trainSet.NumClasses()}
	if err := r.setup(); err != nil {
		return nil, err
	}
	metrics := map[string]float64{}
	if cfg.Monitor.Baseline {
		// The untrained encoder, for "does it learn?": kNN of random features.
		b, err := finalKNN(l, trainSet, testSet, cfg.Monitor)
		if err != nil {
			return nil, err
		}
		metrics["knn_top1_random"] = b
		log.Info("untrained encoder", "knn_top1", b)
	}
	if err := r.loop(ctx); err != nil {
		return nil, err
	}
	log.Info("training done", "steps", r.pos.Step, "seconds", r.pos.Seconds)
	r.meta.Step = r.pos.Step
	if err := saveModel(opt.Out, cfg, l, r.meta); err != nil {
		return nil, err
	}
	final, err := finalEval(cfg, l, trainSet, testSet, heldOut, log)
	if err != nil {
		return nil, err
	}
	for k, v := range final {
		metrics[k] = v
	}
	metrics["train_seconds"] = r.pos.Seconds
	metrics["steps"] = float64(r.pos.Step)
	if len(cfg.Finetune.Fractions) > 0 {
		ft, err := finetune(ctx, cfg, l, trainSet, testSet, log)
		if err != nil {
			return nil, err
		}
		for k, v := range ft {
			metrics[k] = v
		}
	}
	if opt.OnRecord != nil {
		rec := Record{"epoch": float64(r.pos.Epoch), "step": float64(r.pos.Step)}
		for k, v := range metrics {
			rec[k] = v
		}
		opt.OnRecord(rec)
	}
	r.meta.FeatureDim = featureDimOf(l.Encoder(), in)
	return &Result{Metrics: metrics, Learner: l, Meta: r.meta, Train: trainSet, Test: testSet}, nil
}

// runner is one run's training state.
type runner struct {
	cfg       Config
	opt       Options
	log       *slog.Logger
	learner   Learner
	fit       *data.Images
	heldOut   *data.Images
	in        Shape
	meta      ModelMeta
	optimizer optim.Optimizer
	sched     optim.Schedule
	loader    *data.Loader
	sampling  Sampling
	perEpoch  int
	total     int
	pos       progress
	tape      *ag.Tape
	xbuf      []float32
	labels    []int
	similar   []bool
	saved     int // step of the last checkpoint written or resumed from; -1 before any
}

func (r *runner) setup() error {
	cfg := r.cfg
	r.sampling = r.learner.Sampling()
	sampler, err := newSampler(r.sampling, cfg, r.fit.Labels, cfg.Seed)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	r.perEpoch = len(sampler.Batches(0))
	if r.perEpoch == 0 {
		return fmt.Errorf("train: %d training examples make no batch of %d", r.fit.N, cfg.Batch)
	}
	r.total = cfg.Steps
	if r.total <= 0 {
		r.total = max(1, int(math.Ceil(cfg.Epochs*float64(r.perEpoch))))
	}
	pipe, err := newAugment(cfg.Augment, augment.Shape{C: r.in.C, H: r.in.H, W: r.in.W})
	if err != nil {
		return fmt.Errorf("train: augment: %w", err)
	}
	r.loader, err = data.NewLoader(data.LoaderConfig{
		Sampler: sampler, Dim: r.sampling.Views * r.in.Len(), Fill: viewFill(r.fit, pipe, r.sampling.Views),
		Workers: cfg.Workers, Seed: cfg.Seed,
	})
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if r.optimizer, err = newOptimizer(cfg.Optim, r.learner.Trainable()); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if r.sched, err = newSchedule(cfg.Optim, r.total); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	r.tape = ag.NewTape(true)
	r.tape.CheckFinite = cfg.CheckFinite
	r.pos.BestKNN = -1
	if r.opt.Resume {
		p, err := loadCheckpoint(r.opt.Out, r.learner, r.optimizer)
		if err != nil {
			return err
		}
		r.pos, r.saved = p, p.Step
		r.log.Info("resumed", "epoch", p.Epoch, "step", p.Step)
		if r.heldOut != nil && p.InitStd == 0 {
			r.log.Warn("the checkpoint has no untrained-encoder references: the collapse warning only catches complete collapse (effective rank < 2)")
		}
		return nil
	}
	if r.heldOut != nil && r.heldOut.N >= 2 {
		// The references of the collapse warning; without them (0) it only
		// catches complete collapse, which is no reason to stop a run.
		cs, err := eval.Collapse(Embed(r.learner.Encoder(), r.heldOut, true))
		if err != nil {
			r.log.Warn("collapse monitors of the untrained encoder failed; the collapse warning only catches complete collapse", "err", err)
		} else {
			r.pos.InitStd, r.pos.InitRank = cs.NormalizedStd, cs.EffectiveRank
		}
	}
	return nil
}

// loop runs the optimizer steps, the per-epoch monitors and the checkpoints.
func (r *runner) loop(ctx context.Context) error {
	for r.pos.Step < r.total {
		start := time.Now()
		epoch := r.pos.Epoch
		var bar *progressbar.ProgressBar
		if r.opt.Progress != nil {
			bar = progressbar.NewOptions(min(r.perEpoch, r.total-r.pos.Step+r.pos.EpochStep),
				progressbar.OptionSetWriter(r.opt.Progress), progressbar.OptionSetDescription(fmt.Sprintf("epoch %d", epoch+1)),
				progressbar.OptionShowCount(), progressbar.OptionSetWidth(30), progressbar.OptionThrottle(200*time.Millisecond),
				progressbar.OptionClearOnFinish())
		}
		var lossSum float64
		n := 0
		for b, err := range r.loader.Epoch(ctx, epoch) {
			if err != nil {
				return r.interrupted(err, time.Since(start))
			}
			if b.Step < r.pos.EpochStep {
				continue // resuming: these batches were trained before the checkpoint
			}
			lv, err := r.step(b)
			if err != nil {
				r.pos.Seconds += time.Since(start).Seconds()
				return fmt.Errorf("%w; %s", err, r.keptCheckpoint())
			}
			lossSum += lv
			n++
			r.pos.Step++
			r.pos.EpochStep = b.Step + 1
			if bar != nil {
				rate := float64(n*r.cfg.Batch) / time.Since(start).Seconds()
				bar.Describe(fmt.Sprintf("epoch %d loss %.4f lr %.2e %.0f img/s", epoch+1, lossSum/float64(n), r.optimizer.LR(), rate))
				bar.Add(1)
			}
			if ce := r.cfg.CheckpointEvery; ce > 0 && r.pos.Step%ce == 0 {
				if err := r.checkpoint(time.Since(start)); err != nil {
					return err
				}
				start = time.Now()
			}
			if ctx.Err() != nil {
				return r.interrupted(ctx.Err(), time.Since(start))
			}
			if r.opt.stopAt > 0 && r.pos.Step >= r.opt.stopAt {
				return r.interrupted(context.Canceled, time.Since(start))
			}
			if r.pos.Step >= r.total {
				break
			}
		}
		if bar != nil {
			bar.Finish()
		}
		r.pos.Seconds += time.Since(start).Seconds()
		if r.pos.EpochStep >= r.perEpoch || r.pos.Step >= r.total {
			r.pos.Epoch++
			r.pos.EpochStep = 0
		}
		stop, err := r.monitor(epoch, lossSum/float64(max(n, 1)))
		if err != nil {
			return err
		}
		if err := r.checkpoint(0); err != nil {
			return err
		}
		if stop {
			r.log.Info("early stopping", "epoch", epoch+1, "best_knn", r.pos.BestKNN)
			break
		}
	}
	return nil
}

// step trains on one batch and returns its loss.
func (r *runner) step(b *data.Batch) (float64, error) {
	batch := r.assemble(b)
	t := r.tape
	t.Reset()
	loss := r.learner.Loss(t, batch)
	lv := float64(loss.Item())
	if math.IsNaN(lv) || math.IsInf(lv, 0) {
		if err := t.Err(); err != nil {
			return 0, fmt.Errorf("train: step %d: %w: %v", r.pos.Step, ErrNonFinite, err)
		}
		return 0, fmt.Errorf("train: step %d: %w: the loss is %v (rerun with --check_finite to name the op that made it)", r.pos.Step, ErrNonFinite, lv)
	}
	r.optimizer.SetLR(r.sched.LR(r.pos.Step))
	t.Backward(loss)
	norm := clipGradNorm(r.learner.Trainable(), r.cfg.ClipNorm)
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		r.optimizer.ZeroGrad()
		return 0, fmt.Errorf("train: step %d: %w in the gradients (norm %v)", r.pos.Step, ErrNonFinite, norm)
	}
	r.optimizer.Step()
	r.optimizer.ZeroGrad()
	r.learner.AfterStep(float64(r.pos.Step+1) / float64(r.total))
	return lv, nil
}

// assemble turns a loader batch into the method's view-major Batch.
func (r *runner) assemble(b *data.Batch) *Batch {
	L := r.in.Len()
	rows := len(b.Index)
	g := r.sampling.Views // views per example, each row holds g views
	n := rows
	if r.sampling.Kind == SamplePairs {
		g, n = 2, rows/2 // rows alternate first and second elements of each pair
	}
	if len(r.xbuf) < rows*r.sampling.Views*L {
		r.xbuf = make([]float32, rows*r.sampling.Views*L)
	}
	x := r.xbuf[:rows*r.sampling.Views*L]
	viewMajor(x, b.X, n, g, L)
	out := &Batch{X: ag.Const(tensor.FromSlice(x, n*g, r.in.C, r.in.H, r.in.W)), V: g, B: n}
	r.labels = r.labels[:0]
	r.similar = r.similar[:0]
	if r.sampling.Kind == SamplePairs {
		for i := 0; i+1 < rows; i += 2 {
			la, lb := r.fit.Labels[b.Index[i]], r.fit.Labels[b.Index[i+1]]
			r.labels = append(r.labels, la)
			r.similar = append(r.similar, la == lb)
		}
	} else {
		for _, i := range b.Index {
			r.labels = append(r.labels, r.fit.Labels[i])
		}
	}
	out.Labels, out.Similar = r.labels, r.similar
	return out
}

func (r *runner) checkpoint(elapsed time.Duration) error {
	r.pos.Seconds += elapsed.Seconds()
	if err := saveCheckpoint(r.opt.Out, r.learner, r.optimizer, r.pos); err != nil {
		return err
	}
	r.saved = r.pos.Step
	r.meta.Step = r.pos.Step
	return saveModel(r.opt.Out, r.cfg, r.learner, r.meta)
}

// keptCheckpoint says, for a run that stops on an error, which checkpoint
// stays in the run directory to resume from.
func (r *runner) keptCheckpoint() string {
	if r.saved < 0 {
		return "no checkpoint had been written yet"
	}
	return fmt.Sprintf("the checkpoint of step %d is kept (continue with --resume)", r.saved)
}

// interrupted saves a checkpoint when training was cancelled (Ctrl-C).
func (r *runner) interrupted(cause error, elapsed time.Duration) error {
	if errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		if err := r.checkpoint(elapsed); err != nil {
			return errors.Join(cause, err)
		}
		r.log.Info("interrupted: checkpoint saved", "step", r.pos.Step, "dir", r.opt.Out)
	}
	return cause
}

// splitHeldOut sets aside n seeded-random training examples for the monitors.
func splitHeldOut(im *data.Images, n int, seed uint64) (fit, held *data.Images) {
	if n <= 0 || n >= im.N/2 {
		return im, nil
	}
	perm := tensor.NewRNG(seed ^ 0x4e1d).Perm(im.N)
	return im.Subset(perm[n:]), im.Subset(perm[:n])
}

// limit keeps a seeded-random subset of n examples (all when n <= 0 or n >= N).
func limit(im *data.Images, n int, seed uint64) *data.Images {
	if n <= 0 || n >= im.N {
		return im
	}
	perm := tensor.NewRNG(seed ^ 0x11).Perm(im.N)
	return im.Subset(perm[:n])
}
