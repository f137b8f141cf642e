package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

func TestTranspose(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, c := range []struct{ rows, cols int }{{169, 32}, {25, 64}, {1, 1}, {16, 16}, {17, 3}, {3, 17}, {33, 5}, {676, 32}} {
		t.Run(fmt.Sprintf("%dx%d", c.rows, c.cols), func(t *testing.T) {
			src := randVec(r, c.rows*c.cols)
			dst := randVec(r, c.rows*c.cols+3)
			tail := append([]float32(nil), dst[c.rows*c.cols:]...)
			Transpose(dst, src, c.rows, c.cols)
			for i := 0; i < c.rows; i++ {
				for j := 0; j < c.cols; j++ {
					if dst[j*c.rows+i] != src[i*c.cols+j] {
						t.Fatalf("dst[%d,%d] = %v, want %v", j, i, dst[j*c.rows+i], src[i*c.cols+j])
					}
				}
			}
			for i, v := range tail {
				if dst[c.rows*c.cols+i] != v {
					t.Fatal("wrote past rows*cols")
				}
			}
			si := make([]int32, c.rows*c.cols)
			for i := range si {
				si[i] = int32(r.Uint32())
			}
			di := make([]int32, len(si))
			TransposeInt32(di, si, c.rows, c.cols)
			for i := 0; i < c.rows; i++ {
				for j := 0; j < c.cols; j++ {
					if di[j*c.rows+i] != si[i*c.cols+j] {
						t.Fatalf("int32 dst[%d,%d] wrong", j, i)
					}
				}
			}
		})
	}
}
