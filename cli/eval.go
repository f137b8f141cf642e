package cli

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/text"
	"github.com/contrast-ml/contrast/threat"
	"github.com/contrast-ml/contrast/train"
	"github.com/spf13/cobra"
)

func newEvalCmd() *cobra.Command {
	var model, spec string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "eval --model DIR --data SPEC [--json]",
		Short: "Evaluate a trained model on a data set with every metric that fits it",
		Long: `eval embeds a data set with a trained model (a run directory of contrast train)
and reports the metrics that fit the data. For labelled images with train and test
splits (mnist, idx:DIR): weighted kNN (test vs train), linear probe, precision@1,
R-precision, MAP@R, and NMI/AMI of k-means clusters of the test set; for a single
split (images:DIR): the same by leave-one-out, without the probe. For scored sentence
pairs (sts:, sick:, pairs:) of a text model: Spearman and Pearson between cosine
similarity and the gold scores. For NSL-KDD records (nslkdd:) of a threat model:
binary and five-class accuracy, macro F1, per-category recall and anomaly AUROC.`,
		Example: "  contrast eval --model runs/simclr --data mnist --json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if model == "" || spec == "" {
				return usagef("eval: --model DIR and --data SPEC are required")
			}
			m, err := evaluate(model, spec)
			if err != nil {
				return err
			}
			return printMetrics(cmd, m, asJSON)
		},
	}
	cmd.Flags().StringVar(&model, "model", "", "run directory written by contrast train")
	cmd.Flags().StringVar(&spec, "data", "", "data source spec: "+data.SpecForms)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the metrics as one JSON object")
	return cmd
}

// evaluate loads the model and the data and computes the metrics, by the
// run's task: the data must be of the kind that task's models read.
func evaluate(model, spec string) (map[string]float64, error) {
	sp, err := data.ParseSpec(spec)
	if err != nil {
		return nil, UsageError{err}
	}
	if err := checkRunDir("eval", model); err != nil {
		return nil, err
	}
	if sp.Kind == data.KindPcap {
		return nil, usagef("eval: %s: a capture has no labels to evaluate against; score its flows with "+
			"contrast embed --model %s --data %s --out flows.jsonl", spec, model, spec)
	}
	task := runTask(model)
	if task == "" {
		// No config.yaml (a text ensemble's member directory, say): the
		// data's kind names the task, and the model's loader says if the
		// directory does not hold such a model.
		task = dataTask(sp.Kind)
	}
	switch task {
	case "text":
		switch sp.Kind {
		case data.KindSTS, data.KindSICK, data.KindMSRP, data.KindPairs:
			return text.EvalSTS(model, spec)
		}
		return nil, usagef("eval: %s is a text run: --data must be scored sentence pairs (sts:, sick:, msrp: or pairs:), not a %v source", model, sp.Kind)
	case "threat":
		switch sp.Kind {
		case data.KindNSLKDD:
			return threat.Eval(model, spec)
		}
		return nil, usagef("eval: %s is a threat run: --data must be nslkdd:FILE, not a %v source", model, sp.Kind)
	case "image":
		switch sp.Kind {
		case data.KindMNIST, data.KindIDX, data.KindImages:
		default:
			return nil, usagef("eval: %s is an image run: --data must be an image data set (mnist, idx:DIR or images:DIR), not a %v source", model, sp.Kind)
		}
	default:
		return nil, usagef("eval: %s is a %s run, which contrast train evaluates (see its metrics.json); eval takes image, text and threat runs", model, task)
	}
	l, cfg, meta, err := train.LoadModel(model)
	if err != nil {
		return nil, err
	}
	set, err := data.Load(sp)
	if err != nil {
		return nil, err
	}
	tr, errTr := set.Images("train")
	te, errTe := set.Images("test")
	if errTr != nil || errTe != nil {
		all, err := set.Images("")
		if err != nil {
			return nil, UsageError{fmt.Errorf("eval: %s holds no images for this image model: %w", spec, err)}
		}
		if err := checkImages("eval", sp, meta.Input, all); err != nil {
			return nil, err
		}
		return train.Evaluate(cfg, l, nil, all)
	}
	for _, im := range []*data.Images{tr, te} {
		if err := checkImages("eval", sp, meta.Input, im); err != nil {
			return nil, err
		}
	}
	return train.Evaluate(cfg, l, tr, te)
}

// dataTask names the task whose models read data of kind k.
func dataTask(k data.Kind) string {
	switch k {
	case data.KindSTS, data.KindSICK, data.KindMSRP, data.KindPairs:
		return "text"
	case data.KindNSLKDD:
		return "threat"
	}
	return "image"
}

func printMetrics(cmd *cobra.Command, m map[string]float64, asJSON bool) error {
	w := cmd.OutOrStdout()
	if asJSON {
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(w, string(b))
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(w, "%-24s %.4f\n", k, m[k])
	}
	return nil
}
