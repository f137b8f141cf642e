package nn

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/contrast-ml/contrast/internal/safetensors"
	"github.com/contrast-ml/contrast/tensor"
)

// StateDict returns m's parameters and buffers by name, as torch's state_dict.
// The tensors are m's own (not copies). It fails on an empty or repeated name.
func StateDict(m Module) (map[string]*tensor.Tensor, error) {
	sd := map[string]*tensor.Tensor{}
	add := func(name string, t *tensor.Tensor) error {
		if name == "" {
			return fmt.Errorf("nn: state dict: a tensor of shape %v has no name", t.Shape)
		}
		if _, dup := sd[name]; dup {
			return fmt.Errorf("nn: state dict: name %q appears twice", name)
		}
		sd[name] = t
		return nil
	}
	for _, p := range m.Params() {
		if err := add(p.Name, p.Value); err != nil {
			return nil, err
		}
	}
	for _, b := range m.Buffers() {
		if err := add(b.Name, b.Value); err != nil {
			return nil, err
		}
	}
	return sd, nil
}

// LoadStateDict copies sd into m's parameters and buffers. It fails, changing
// nothing, when a name of m is missing from sd, when sd holds a name m does not
// have, or when shapes differ; the error lists every such tensor (with both
// shapes).
func LoadStateDict(m Module, sd map[string]*tensor.Tensor) error {
	own, err := StateDict(m)
	if err != nil {
		return err
	}
	// Report every problem, in the model's order.
	var problems []string
	var order []string
	for _, p := range m.Params() {
		order = append(order, p.Name)
	}
	for _, b := range m.Buffers() {
		order = append(order, b.Name)
	}
	for _, name := range order {
		src, ok := sd[name]
		switch {
		case !ok || src == nil:
			problems = append(problems, fmt.Sprintf("missing %q (shape %v)", name, own[name].Shape))
		case !tensor.SameShape(src, own[name]):
			problems = append(problems, fmt.Sprintf("%q has shape %v in the checkpoint but %v in the model", name, src.Shape, own[name].Shape))
		default:
			if i := firstNonFinite(src.Data); i >= 0 {
				problems = append(problems, fmt.Sprintf("%q holds %v at index %d", name, src.Data[i], i))
			}
		}
	}
	var extra []string
	for name := range sd {
		if _, ok := own[name]; !ok {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		slices.Sort(extra)
		problems = append(problems, fmt.Sprintf("unexpected %q in the checkpoint", extra))
	}
	if len(problems) > 0 {
		return fmt.Errorf("nn: load: %s", strings.Join(problems, "; "))
	}
	for name, dst := range own {
		sd[name].CopyTo(dst.Raw())
	}
	return nil
}

// SaveModule writes m's state dict to a safetensors file at path (atomically),
// with meta as the file's metadata (e.g. the model config).
func SaveModule(path string, m Module, meta map[string]string) error {
	sd, err := StateDict(m)
	if err != nil {
		return err
	}
	return safetensors.Save(path, sd, meta)
}

// LoadModule reads a safetensors file written by SaveModule (or PyTorch, in
// float32) into m and returns the file's metadata.
func LoadModule(path string, m Module) (map[string]string, error) {
	sd, meta, err := safetensors.Load(path)
	if err != nil {
		return nil, err
	}
	if err := LoadStateDict(m, sd); err != nil {
		return nil, fmt.Errorf("%w (file %q)", err, path)
	}
	return meta, nil
}

// firstNonFinite returns the index of the first NaN or infinity in x, or -1:
// no trained weight or buffer is one, and a model that loaded one would fail
// far from its cause (every embedding NaN).
func firstNonFinite(x []float32) int {
	for i, v := range x {
		if v != v || v > math.MaxFloat32 || v < -math.MaxFloat32 {
			return i
		}
	}
	return -1
}
