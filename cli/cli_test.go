package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBadInputIsUsageError checks that every kind of bad invocation gives a
// one-line error naming the problem, exit status 2, and writes nothing.
func TestBadInputIsUsageError(t *testing.T) {
	dir := t.TempDir()
	badYAML := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badYAML, []byte("method: simclr\noptim:\n  lrr: 0.1\n"), 0o644)
	badMethod := filepath.Join(dir, "method.yaml")
	os.WriteFile(badMethod, []byte("method: simclrr\n"), 0o644)
	badTask := filepath.Join(dir, "task.yaml")
	os.WriteFile(badTask, []byte("task: astrology\n"), 0o644)
	out := filepath.Join(dir, "run")
	runOf := func(task string) string { // a run directory of task (its config.yaml alone)
		d := filepath.Join(dir, task+"-run")
		os.MkdirAll(d, 0o755)
		os.WriteFile(filepath.Join(d, "config.yaml"), []byte("task: "+task+"\n"), 0o644)
		return d
	}
	finished, withCheckpoints := filepath.Join(dir, "finished"), filepath.Join(dir, "interrupted")
	os.MkdirAll(finished, 0o755)
	os.WriteFile(filepath.Join(finished, "metrics.json"), []byte("{}"), 0o644)
	os.MkdirAll(filepath.Join(withCheckpoints, "checkpoints"), 0o755)
	os.WriteFile(filepath.Join(withCheckpoints, "checkpoints", "latest"), []byte("step-000000005\n"), 0o644)
	modelOnly := filepath.Join(dir, "model-only")
	os.MkdirAll(modelOnly, 0o755)
	os.WriteFile(filepath.Join(modelOnly, "model.json"), []byte("{}"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"train", "--no-such-flag"}, "unknown flag"},
		{[]string{"train", "--config", filepath.Join(dir, "missing.yaml"), "--out", out}, "no such file"},
		{[]string{"train", "--config", badYAML, "--out", out}, "lrr"},
		{[]string{"train", "--config", badMethod, "--out", out}, "simclrr"},
		{[]string{"train", "--epochs", "-1", "--out", out}, "epochs"},
		{[]string{"train", "--config", badTask, "--out", out}, "astrology"},
		{[]string{"train", "--optim.kind", "adagrad", "--out", out}, "adagrad"},
		{[]string{"train", "--out", finished}, "already holds a finished run (metrics.json): choose another --out"},
		{[]string{"train", "--out", withCheckpoints}, "holds an interrupted run with a checkpoint: continue it with --resume"},
		{[]string{"train", "--out", modelOnly}, "holds a trained model (model.json) of a run that did not finish"},
		{[]string{"train", "--out", badYAML}, "is a file, not a directory"},
		{[]string{"train", "--batch", "x", "--out", out}, "integer"},
		{[]string{"eval", "--model", dir, "--data", "nosuch:thing"}, "nosuch"},
		{[]string{"embed", "--model", dir, "--data", "mnist", "--out", "x.csv"}, ".npy or .jsonl"},
		{[]string{"eval", "--model", dir, "--data", "pcap:x.pcap"}, "contrast embed"},
		{[]string{"eval", "--model", filepath.Join(dir, "missing"), "--data", "mnist"}, "no such file"},
		{[]string{"eval", "--model", runOf("threat"), "--data", "mnist"}, "threat run: --data must be nslkdd"},
		{[]string{"eval", "--model", runOf("text"), "--data", "nslkdd:x.txt"}, "text run: --data must be scored sentence pairs"},
		{[]string{"eval", "--model", runOf("image"), "--data", "sick:x.txt"}, "image run: --data must be an image data set"},
		{[]string{"data", "inspect", "--n", "-1", "mnist"}, "--n -1"},
		{[]string{"eval", "--model", runOf("recommend"), "--data", "movielens:x"}, "recommend run"},
		{[]string{"embed", "--model", filepath.Join(dir, "missing"), "--data", "mnist", "--out", "x.npy"}, "no such file"},
		{[]string{"serve", "--model", filepath.Join(dir, "missing")}, "no such file"},
		{[]string{"data", "inspect"}, "arg"},
		{[]string{"bench", "--only", "w9"}, "w9"},
		{[]string{"frobnicate"}, "unknown command"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			err := Run(context.Background(), c.args)
			if err == nil {
				t.Fatal("no error")
			}
			if ExitCode(err) != 2 {
				t.Errorf("exit code %d for %v", ExitCode(err), err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if strings.Contains(strings.TrimSpace(err.Error()), "\n") {
				t.Errorf("error is not one line: %q", err)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s was created", out)
			}
		})
	}
}

// TestCheckFreshOutLeftovers checks that what a failed or interrupted run
// leaves before its first checkpoint (config.yaml, an empty metrics.jsonl)
// does not stop the same command from training into its --out again.
func TestCheckFreshOutLeftovers(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "config.yaml"), []byte("task: threat\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "metrics.jsonl"), nil, 0o644)
	os.MkdirAll(filepath.Join(dir, "checkpoints", "step-000000000"), 0o755) // a save that failed before latest
	if err := checkFreshOut(dir); err != nil {
		t.Errorf("leftovers of a failed run: %v", err)
	}
	if err := checkFreshOut(filepath.Join(dir, "new")); err != nil {
		t.Errorf("a new directory: %v", err)
	}
}
