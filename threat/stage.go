package threat

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/optim"
)

// stage is one training phase: epochs over rows in shuffled batches, AdamW
// with a warm-up and cosine schedule, and a step that builds the loss.
type stage struct {
	name    string
	params  []*ag.Var
	rows    []int // indices into the encoded training matrix
	batch   int
	epochs  int
	lr      float64
	optim   OptimConfig
	seed    uint64
	step    func(t *ag.Tape, idx []int, rng *rand.Rand) *ag.Var
	onEpoch func(epoch int) // optional, after each epoch
}

// stageResult records the mean loss of every epoch.
type stageResult struct {
	Losses  []float64
	Seconds float64
	Steps   int
}

// run trains; it stops early with ctx's error when ctx is cancelled and with
// an error when the loss is not finite.
func (s *stage) run(ctx context.Context, log *slog.Logger) (stageResult, error) {
	var res stageResult
	if s.epochs == 0 {
		return res, nil
	}
	// A final batch smaller than half a batch is dropped: contrastive losses
	// and batch normalisation want full batches.
	b := min(s.batch, len(s.rows))
	per := len(s.rows) / b
	if rest := len(s.rows) - per*b; rest >= max(2, b/2) {
		per++
	}
	if per == 0 || b < 2 {
		return res, fmt.Errorf("threat: %s: %d rows cannot fill a batch of %d", s.name, len(s.rows), s.batch)
	}
	total := per * s.epochs
	sched, err := optim.NewWarmupCosine(s.lr, 0, int(s.optim.Warmup*float64(total)), total)
	if err != nil {
		return res, fmt.Errorf("threat: %s: %w", s.name, err)
	}
	cfg := optim.DefaultAdamW()
	cfg.LR, cfg.WeightDecay, cfg.Exclude = s.lr, s.optim.WeightDecay, optim.ExcludeBiasAndNorm
	opt, err := optim.NewAdamW(s.params, cfg)
	if err != nil {
		return res, fmt.Errorf("threat: %s: %w", s.name, err)
	}
	rng := rand.New(rand.NewPCG(s.seed, 0x7468726561742e73)) // "threat.s"
	order := append([]int(nil), s.rows...)
	tape := ag.NewTape(true)
	start := time.Now()
	for epoch := range s.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		var sum float64
		for i := range per {
			if err := ctx.Err(); err != nil {
				return res, err
			}
			idx := order[i*b : min(len(order), (i+1)*b)]
			opt.SetLR(sched.LR(opt.Steps()))
			opt.ZeroGrad()
			loss := s.step(tape, idx, rng)
			l := float64(loss.Item())
			if math.IsNaN(l) || math.IsInf(l, 0) {
				return res, fmt.Errorf("threat: %s: loss %v at epoch %d step %d", s.name, l, epoch+1, i)
			}
			tape.Backward(loss)
			opt.Step()
			tape.Reset()
			sum += l
		}
		res.Losses = append(res.Losses, sum/float64(per))
		if log != nil {
			log.Info("epoch", "stage", s.name, "epoch", epoch+1, "of", s.epochs, "loss", res.Losses[epoch],
				"lr", opt.LR(), "seconds", time.Since(start).Seconds())
		}
		if s.onEpoch != nil {
			s.onEpoch(epoch)
		}
	}
	res.Seconds, res.Steps = time.Since(start).Seconds(), opt.Steps()
	return res, nil
}
