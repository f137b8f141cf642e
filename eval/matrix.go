package eval

import (
	"fmt"
	"math"
)

// Matrix is a dense row-major float32 matrix of shape (Rows, Cols): row i is
// Data[i*Cols : (i+1)*Cols]. Embeddings are passed as (n, dim) matrices.
// Functions in this package never modify a Matrix they are given.
type Matrix struct {
	Rows, Cols int
	Data       []float32
}

// NewMatrix wraps data (not copied) as a (rows, cols) matrix. It returns an
// error when the dimensions are negative or len(data) != rows*cols, since
// embeddings usually come from outside (files, other processes).
func NewMatrix(rows, cols int, data []float32) (Matrix, error) {
	m := Matrix{Rows: rows, Cols: cols, Data: data}
	if err := m.check("NewMatrix"); err != nil {
		return Matrix{}, err
	}
	return m, nil
}

// Row returns row i as a slice sharing m.Data.
func (m Matrix) Row(i int) []float32 { return m.Data[i*m.Cols : (i+1)*m.Cols] }

// check reports a malformed matrix (negative dims or wrong data length).
func (m Matrix) check(op string) error {
	if m.Rows < 0 || m.Cols < 0 {
		return fmt.Errorf("eval: %s: negative shape (%d, %d): %w", op, m.Rows, m.Cols, ErrShape)
	}
	if len(m.Data) != m.Rows*m.Cols {
		return fmt.Errorf("eval: %s: %d values for shape (%d, %d): %w", op, len(m.Data), m.Rows, m.Cols, ErrShape)
	}
	return nil
}

// checkNonEmpty is check plus a requirement of at least minRows rows and one column.
func (m Matrix) checkNonEmpty(op, name string, minRows int) error {
	if err := m.check(op + ": " + name); err != nil {
		return err
	}
	if m.Rows < minRows || m.Cols == 0 {
		return fmt.Errorf("eval: %s: %s has shape (%d, %d), need at least %d rows and 1 column: %w",
			op, name, m.Rows, m.Cols, minRows, ErrEmpty)
	}
	for _, v := range m.Data {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("eval: %s: %s contains NaN or Inf: %w", op, name, ErrNonFinite)
		}
	}
	return nil
}

// normalizedRows returns a copy of m with every row scaled to unit L2 norm.
// All-zero rows stay zero (their cosine similarity to anything is 0).
func normalizedRows(m Matrix) []float32 {
	out := make([]float32, len(m.Data))
	for i := 0; i < m.Rows; i++ {
		src := m.Row(i)
		dst := out[i*m.Cols : (i+1)*m.Cols]
		var ss float64
		for _, v := range src {
			ss += float64(v) * float64(v)
		}
		if ss == 0 {
			continue
		}
		inv := float32(1 / math.Sqrt(ss))
		for j, v := range src {
			dst[j] = v * inv
		}
	}
	return out
}

// rowSqNorms returns the squared L2 norm of every row of the (rows, cols) data.
func rowSqNorms(data []float32, rows, cols int) []float32 {
	out := make([]float32, rows)
	for i := range out {
		var ss float32
		for _, v := range data[i*cols : (i+1)*cols] {
			ss += v * v
		}
		out[i] = ss
	}
	return out
}
