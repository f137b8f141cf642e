package safetensors

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/contrast-ml/contrast/internal/atomicfile"
	"github.com/contrast-ml/contrast/tensor"
)

// Save writes tensors and metadata to path atomically: a temporary file in the
// same directory is written, synced and renamed over path, then the directory is
// synced. Tensors are stored sorted by name; views are written in row-major order.
func Save(path string, tensors map[string]*tensor.Tensor, meta map[string]string) (err error) {
	header, order, err := buildHeader(tensors, meta)
	if err != nil {
		return fmt.Errorf("safetensors: save %q: %w", path, err)
	}
	err = atomicfile.Write(path, 0o644, func(f io.Writer) error {
		w := bufio.NewWriterSize(f, 1<<20)
		if err := write(w, header, order, tensors); err != nil {
			return err
		}
		return w.Flush()
	})
	if err != nil {
		return fmt.Errorf("safetensors: save %q: %w", path, err)
	}
	return nil
}

// Encode writes tensors and metadata in safetensors format to w.
func Encode(w io.Writer, tensors map[string]*tensor.Tensor, meta map[string]string) error {
	header, order, err := buildHeader(tensors, meta)
	if err != nil {
		return fmt.Errorf("safetensors: encode: %w", err)
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	if err := write(bw, header, order, tensors); err != nil {
		return fmt.Errorf("safetensors: encode: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors: encode: %w", err)
	}
	return nil
}

// buildHeader validates the input and returns the padded JSON header and the
// tensor names in storage order.
func buildHeader(tensors map[string]*tensor.Tensor, meta map[string]string) ([]byte, []string, error) {
	order := make([]string, 0, len(tensors))
	for name, t := range tensors {
		switch {
		case name == "" || name == MetadataKey:
			return nil, nil, fmt.Errorf("invalid tensor name %q", name)
		case !utf8.ValidString(name):
			return nil, nil, fmt.Errorf("tensor name %q is not valid UTF-8", name)
		case t == nil:
			return nil, nil, fmt.Errorf("tensor %q is nil", name)
		}
		order = append(order, name)
	}
	for k, v := range meta {
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, nil, fmt.Errorf("metadata %q: not valid UTF-8", k)
		}
	}
	slices.Sort(order)
	h := []byte{'{'}
	if len(meta) > 0 {
		m, err := json.Marshal(meta) // keys sorted
		if err != nil {
			return nil, nil, err
		}
		h = append(h, `"`+MetadataKey+`":`...)
		h = append(h, m...)
	}
	off := 0
	for i, name := range order {
		if i > 0 || len(meta) > 0 {
			h = append(h, ',')
		}
		t := tensors[name]
		k, _ := json.Marshal(name)
		h = append(h, k...)
		h = append(h, `:{"dtype":"F32","shape":[`...)
		for j, d := range t.Shape {
			if j > 0 {
				h = append(h, ',')
			}
			h = strconv.AppendInt(h, int64(d), 10)
		}
		end := off + 4*t.Numel()
		h = append(h, `],"data_offsets":[`...)
		h = strconv.AppendInt(h, int64(off), 10)
		h = append(h, ',')
		h = strconv.AppendInt(h, int64(end), 10)
		h = append(h, "]}"...)
		off = end
	}
	h = append(h, '}')
	// Pad with spaces so that the buffer starts 8-byte aligned.
	for len(h)%8 != 0 {
		h = append(h, ' ')
	}
	if len(h) > MaxHeaderSize {
		return nil, nil, fmt.Errorf("header of %d bytes exceeds the limit of %d", len(h), MaxHeaderSize)
	}
	return h, order, nil
}

func write(w *bufio.Writer, header []byte, order []string, tensors map[string]*tensor.Tensor) error {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	w.Write(n[:])
	w.Write(header)
	var vals []float32
	out := make([]byte, 0, 1<<16)
	for _, name := range order {
		t := tensors[name]
		if t.IsContiguous() {
			vals = t.Data[t.Offset : t.Offset+t.Numel()]
		} else {
			vals = make([]float32, t.Numel())
			t.CopyTo(vals)
		}
		for len(vals) > 0 {
			k := min(len(vals), cap(out)/4)
			out = out[:4*k]
			for i, v := range vals[:k] {
				binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
			}
			if _, err := w.Write(out); err != nil {
				return err
			}
			vals = vals[k:]
		}
	}
	return nil
}
