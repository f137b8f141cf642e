package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/contrast-ml/contrast/data"
	"github.com/contrast-ml/contrast/server"
	"github.com/contrast-ml/contrast/text"
	"github.com/contrast-ml/contrast/threat"
	"github.com/contrast-ml/contrast/train"
	"go.yaml.in/yaml/v3"
)

// loadServeModel loads the model of a run directory for the server, by the
// task its config names: text (JSON strings), threat (connection records,
// also scored at /v1/score), else image.
func loadServeModel(dir string) (server.Model, error) {
	if err := checkRunDir("serve", dir); err != nil {
		return nil, err
	}
	switch runTask(dir) {
	case "text":
		enc, err := text.LoadEncoder(dir)
		if err != nil {
			return nil, err
		}
		return text.NewServed(enc), nil
	case "threat":
		m, err := threat.LoadModel(dir)
		if err != nil {
			return nil, err
		}
		return threat.NewServed(m), nil
	}
	return server.LoadImageModel(dir)
}

// checkRunDir fails with a usage error naming the command when dir, the
// --model flag, is not a directory.
func checkRunDir(cmd, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return usagef("%s: --model %s: %v (want a run directory written by contrast train)", cmd, dir, errors.Unwrap(err))
	}
	if !fi.IsDir() {
		return usagef("%s: --model %s is a file; want a run directory written by contrast train", cmd, dir)
	}
	return nil
}

// runTask reads the task field of a run directory's config.yaml: "image"
// when the file names none (image runs write task: ""), "" when there is no
// config.yaml (a text ensemble's member directory, say).
func runTask(dir string) string {
	path := filepath.Join(dir, "config.yaml")
	if _, err := os.Stat(path); err != nil {
		return ""
	}
	if t := configTask(path); t != "" {
		return t
	}
	return "image"
}

// configTask reads the task field of a YAML config file: "" when the file
// is missing, unreadable or names none (the full load reports errors).
func configTask(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var head struct {
		Task string `yaml:"task"`
	}
	if yaml.Unmarshal(b, &head) != nil {
		return ""
	}
	return head.Task
}

// checkImages refuses images that the image run's encoder cannot embed (in
// is the shape it was trained on): an empty set, or another shape, with a
// hint at the images: options that resize a folder of pictures.
func checkImages(cmd string, sp data.Spec, in train.Shape, im *data.Images) error {
	err := in.CheckImages(im)
	if err == nil {
		return nil
	}
	hint := ""
	if sp.Kind == data.KindImages && in.H == in.W && im.N > 0 {
		hint = fmt.Sprintf(" (an images: source takes ?size=%d&channels=%d)", in.H, in.C)
	}
	return UsageError{fmt.Errorf("%s: %s: %w%s", cmd, sp, err, hint)}
}
