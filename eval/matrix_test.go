package eval

import (
	"errors"
	"math"
	"testing"
)

func TestNewMatrix(t *testing.T) {
	for _, tc := range []struct {
		name       string
		rows, cols int
		data       []float32
		err        error
	}{
		{"ok", 2, 3, make([]float32, 6), nil},
		{"empty ok", 0, 3, nil, nil},
		{"short", 2, 3, make([]float32, 5), ErrShape},
		{"negative", -1, 3, nil, ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := NewMatrix(tc.rows, tc.cols, tc.data)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err %v, want %v", err, tc.err)
			}
			if err == nil && (m.Rows != tc.rows || m.Cols != tc.cols) {
				t.Fatalf("shape (%d, %d)", m.Rows, m.Cols)
			}
		})
	}
}

func TestNormalizedRows(t *testing.T) {
	m := Matrix{3, 2, []float32{3, 4, 0, 0, -2, 0}}
	got := normalizedRows(m)
	want := []float32{0.6, 0.8, 0, 0, -1, 0}
	for i := range want {
		if math.Abs(float64(got[i]-want[i])) > 1e-7 {
			t.Fatalf("normalizedRows = %v, want %v", got, want)
		}
	}
	if m.Data[0] != 3 {
		t.Fatal("input modified")
	}
}

func TestDenseLabels(t *testing.T) {
	classes, dense := denseLabels([]int{7, -2, 7}, []int{100, -2})
	if !equalInts(classes, []int{-2, 7, 100}) || !equalInts(dense[0], []int{1, 0, 1}) || !equalInts(dense[1], []int{2, 0}) {
		t.Fatalf("classes %v dense %v", classes, dense)
	}
}
