package text

import (
	"testing"
	"time"

	"github.com/contrast-ml/contrast/ag"
	"github.com/contrast-ml/contrast/data"
)

// benchEmbed measures encoding throughput (sentences per second) of a model
// trained for one epoch on the smoke data, over the 600 SICK trial sentences.
func benchEmbed(b *testing.B, edit func(c *Config)) {
	cfg := smokeConfig()
	cfg.Epochs, cfg.Test = 1, nil
	edit(&cfg)
	out := b.TempDir()
	if _, err := Train(b.Context(), cfg, out, nil); err != nil {
		b.Fatal(err)
	}
	e, err := LoadEncoder(out)
	if err != nil {
		b.Fatal(err)
	}
	p, err := data.ReadSICK("testdata/sick-trial-300.txt")
	if err != nil {
		b.Fatal(err)
	}
	var sents []string
	for _, q := range p.Pairs {
		sents = append(sents, q.A, q.B)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		e.Embed(sents)
	}
	b.ReportMetric(float64(b.N*len(sents))/time.Since(start).Seconds(), "sentences/s")
}

func BenchmarkEmbed(b *testing.B) {
	for _, c := range []struct {
		name string
		edit func(c *Config)
	}{
		{"bow", func(c *Config) {}},
		{"bow-sif-pc", func(c *Config) { c.Encoder.Weighting, c.Encoder.RemovePC, c.Encoder.Out = SIF, 2, 0 }},
		{"transformer", func(c *Config) { c.Encoder.Kind, c.Encoder.Out = Transformer, 0 }},
	} {
		b.Run(c.name, func(b *testing.B) { benchEmbed(b, c.edit) })
	}
}

// BenchmarkTrainStep measures one CoSENT training step on a batch of 64 SICK
// pairs (128 sentences), forward, backward and update.
func BenchmarkTrainStep(b *testing.B) {
	for _, kind := range []EncoderKind{BagOfWords, Transformer} {
		b.Run(kind.String(), func(b *testing.B) {
			cfg := smokeConfig()
			cfg.Encoder.Kind = kind
			tr, err := newTrainer(cfg, nil)
			if err != nil {
				b.Fatal(err)
			}
			plan := tr.plan(1)
			if err := tr.setupOptim(len(plan)); err != nil {
				b.Fatal(err)
			}
			tape := ag.NewTape(true)
			b.ReportAllocs()
			b.ResetTimer()
			start, i := time.Now(), 0
			for b.Loop() {
				l := tr.loss(tape, plan[i%len(plan)])
				tape.Backward(l)
				for _, o := range tr.opts {
					o.Step()
					o.ZeroGrad()
				}
				if tr.words != nil {
					tr.words.Step()
				}
				tape.Reset()
				i++
			}
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "steps/s")
		})
	}
}
