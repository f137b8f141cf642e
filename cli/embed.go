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
	"github.com/contrast-ml/contrast/threat"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

func newEmbedCmd() *cobra.Command {
	var model, spec, out, split string
	cmd := &cobra.Command{
		Use:   "embed --model DIR --data SPEC --out FILE.npy|FILE.jsonl [--split test]",
		Short: "Write the embeddings of a data set as NumPy .npy or JSON Lines",
		Long: `embed runs a data set through a trained encoder and writes one embedding per example:
.npy (float32, (n, dim), readable by numpy.load) or .jsonl (one JSON object per line),
chosen by the file extension. The file is written atomically.

For an image run the .jsonl lines are {"index", "label", "embedding"}.

For a threat run (task: threat) --data is nslkdd:FILE or pcap:FILE (a pcap or pcapng
capture, whose packets are grouped into connections). The .jsonl lines are
{"index", "flow" | "truth", "score", "embedding"}: "flow" is the connection of a capture
(proto, src and dst ADDR:PORT, start time, duration_s, service, flag, bytes and packets
each way, logged_in and num_failed_logins), "truth" the attack and category of an NSL-KDD record, and "score" the model's
verdict (anomaly, threshold, novel, is_attack, category, probs, head, knn). The .npy
file holds the embeddings only, in the same order.`,
		Example: `  contrast embed --model runs/simclr --data mnist --split test --out test.npy
  contrast embed --model runs/nslkdd --data pcap:capture.pcapng --out flows.jsonl`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if model == "" || spec == "" || out == "" {
				return usagef("embed: --model DIR, --data SPEC and --out FILE are required")
			}
			ext := strings.ToLower(filepath.Ext(out))
			if ext != ".npy" && ext != ".jsonl" {
				return usagef("embed: --out %q: want a .npy or .jsonl file", out)
			}
			sp, err := data.ParseSpec(spec)
			if err != nil {
				return UsageError{err}
			}
			e, err := embedRun(model, sp, split)
			if err != nil {
				return err
			}
			if ext == ".npy" {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error { return npy.Write(w, e.z, e.rows, e.dim) })
			} else {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error {
					enc := json.NewEncoder(w)
					for i := range e.rows {
						if err := enc.Encode(e.line(i, e.z[i*e.dim:(i+1)*e.dim])); err != nil {
							return err
						}
					}
					return nil
				})
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %d embeddings of dimension %d to %s\n", e.rows, e.dim, out)
			if e.note != "" {
				fmt.Fprintln(cmd.OutOrStdout(), e.note)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&model, "model", "", "run directory written by contrast train")
	f.StringVar(&spec, "data", "", "data source spec: "+data.SpecForms)
	f.StringVar(&split, "split", "", "split to embed (train, test; default the first); image runs only")
	f.StringVar(&out, "out", "", "output file, .npy or .jsonl")
	return cmd
}

// embedded is what embed writes: rows embeddings of dimension dim, row-major
// in z, and per row the JSON Lines record line(i, embedding); note, when not
// empty, is printed after the summary.
type embedded struct {
	z         []float32
	rows, dim int
	line      func(i int, emb []float32) any
	note      string
}

// embedRun embeds the data of sp with the model of the run directory dir:
// the one place that picks the code path by the run's task.
func embedRun(dir string, sp data.Spec, split string) (embedded, error) {
	if err := checkRunDir("embed", dir); err != nil {
		return embedded{}, err
	}
	switch task := runTask(dir); task {
	case "", "image":
		return embedImages(dir, sp, split)
	case "threat":
		if split != "" {
			return embedded{}, usagef("embed: --split is for image data sets; a threat run embeds every record of --data")
		}
		return embedThreat(dir, sp)
	default:
		return embedded{}, usagef("embed: %s is a %s run; embed takes image and threat runs", dir, task)
	}
}

// embedImages embeds a split of an image data set with an image run's encoder.
func embedImages(dir string, sp data.Spec, split string) (embedded, error) {
	l, _, meta, err := train.LoadModel(dir)
	if err != nil {
		return embedded{}, err
	}
	set, err := data.Load(sp)
	if err != nil {
		return embedded{}, err
	}
	im, err := set.Images(split)
	if err != nil {
		return embedded{}, UsageError{fmt.Errorf("embed: %w", err)}
	}
	if err := checkImages("embed", sp, meta.Input, im); err != nil {
		return embedded{}, err
	}
	z := train.Embed(l.Encoder(), im, true)
	return embedded{z: z.Data, rows: z.Rows, dim: z.Cols, line: func(i int, emb []float32) any {
		return map[string]any{"index": i, "label": im.Labels[i], "embedding": emb}
	}}, nil
}

// threatLine is one JSON Lines record of a threat run's embeddings.
type threatLine struct {
	Index     int                 `json:"index"`
	Flow      *threat.FlowSummary `json:"flow,omitempty"`
	Truth     *truthJSON          `json:"truth,omitempty"`
	Score     threat.Verdict      `json:"score"`
	Embedding []float32           `json:"embedding"`
}

// truthJSON is the label of an NSL-KDD record.
type truthJSON struct {
	Attack   string `json:"attack"`
	Category string `json:"category"`
}

// embedThreat embeds and scores the connection records of an NSL-KDD file or
// the connections of a capture with a threat run's model.
func embedThreat(dir string, sp data.Spec) (embedded, error) {
	if sp.Kind != data.KindNSLKDD && sp.Kind != data.KindPcap {
		return embedded{}, usagef("embed: %s is a threat run: --data must be nslkdd:FILE or pcap:FILE, not a %v source", dir, sp.Kind)
	}
	m, err := threat.LoadModel(dir)
	if err != nil {
		return embedded{}, err
	}
	var (
		tab   *data.Table
		flows []threat.Flow
		rep   threat.PcapReport
	)
	if sp.Kind == data.KindPcap {
		if flows, rep, err = threat.ReadPcapReport(sp.Path); err != nil {
			return embedded{}, err
		}
		if len(flows) == 0 {
			return embedded{}, fmt.Errorf("embed: %s: the capture holds no IP flows to embed", sp.Path)
		}
		tab, err = threat.FlowTable(flows)
	} else {
		tab, err = data.ReadNSLKDD(sp.Path)
	}
	if err != nil {
		return embedded{}, err
	}
	z, dim, err := m.Embed(tab)
	if err != nil {
		return embedded{}, err
	}
	scores, err := m.Score(tab)
	if err != nil {
		return embedded{}, err
	}
	counts := make([]int, threat.Classes)
	attacks := 0
	for _, s := range scores {
		counts[s.Category]++
		if s.Attack {
			attacks++
		}
	}
	var parts []string
	for c, n := range counts {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", data.Category(c), n))
		}
	}
	note := fmt.Sprintf("%d of %d records flagged as attacks (%s); threshold %.4g", attacks, len(scores), strings.Join(parts, ", "), m.Threshold)
	if rep.CutShort {
		note += fmt.Sprintf("\nnote: %s ends inside a packet (its writer was stopped mid-write?): read %d whole packets; the connections open at the cut are scored as far as they got", sp.Path, rep.Packets)
	}
	return embedded{z: z, rows: tab.Len(), dim: dim, note: note, line: func(i int, emb []float32) any {
		l := threatLine{Index: i, Score: m.Verdict(scores[i]), Embedding: emb}
		if flows != nil {
			sum := flows[i].Summary()
			l.Flow = &sum
		} else {
			l.Truth = &truthJSON{Attack: tab.Attack[i], Category: tab.Category[i].String()}
		}
		return l
	}}, nil
}
