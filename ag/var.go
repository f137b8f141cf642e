package ag

import "github.com/contrast-ml/contrast/tensor"

// Var is a node of the computation: a value and, when it requires a gradient,
// the gradient of the loss with respect to it (same shape as Value).
type Var struct {
	Value *tensor.Tensor
	Grad  *tensor.Tensor
	// Name identifies parameters (in checkpoints) and ops (in error messages).
	Name      string
	needsGrad bool
	param     bool
}

// Param returns a trainable leaf: its gradient is a persistent buffer that
// Backward accumulates into and an optimizer reads and zeroes.
func Param(name string, value *tensor.Tensor) *Var {
	value = compact(value)
	return &Var{Value: value, Grad: tensor.New(value.Shape...), Name: name, needsGrad: true, param: true}
}

// Const returns a leaf that needs no gradient (inputs, targets, detached values).
func Const(value *tensor.Tensor) *Var { return &Var{Value: compact(value), Name: "const"} }

// compact returns value when its Data holds exactly its elements from index 0
// (what every op assumes), else a contiguous copy.
func compact(value *tensor.Tensor) *tensor.Tensor {
	if value.IsContiguous() && value.Offset == 0 && len(value.Data) == value.Numel() {
		return value
	}
	return value.Clone()
}

// NeedsGrad reports whether gradients flow into v.
func (v *Var) NeedsGrad() bool { return v.needsGrad }

// IsParam reports whether v is a trainable parameter.
func (v *Var) IsParam() bool { return v.param }

// Shape is the shape of v's value.
func (v *Var) Shape() []int { return v.Value.Shape }

// Data returns v's value as a flat slice.
func (v *Var) Data() []float32 { return v.Value.Data }

// Item returns the value of a one-element Var.
func (v *Var) Item() float32 { return v.Value.Item() }

// ZeroGrad zeroes a parameter's gradient.
func (v *Var) ZeroGrad() {
	if v.Grad != nil {
		v.Grad.Zero()
	}
}
