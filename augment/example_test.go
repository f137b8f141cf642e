package augment_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/augment"
)

// The W1 benchmark's augmentation: two views of each MNIST image, each a
// random crop after 4-pixel zero padding plus N(0, 0.1^2) noise.
func ExampleBatch() {
	s := augment.Shape{C: 1, H: 28, W: 28}
	pipe := augment.Must(augment.NewCompose(
		augment.Must(augment.NewPadCrop(4)),
		augment.Must(augment.NewGaussianNoise(0.1, false)),
	))
	batch := augment.Must(augment.NewBatch(augment.Must(augment.NewTwoViews(pipe, pipe)), 0))

	const n = 256
	images := make([]uint8, n*s.Len())  // n MNIST images
	out := make([]float32, 2*n*s.Len()) // (2n, 1, 28, 28): rows i and n+i pair up
	dst := [][]float32{out[:n*s.Len()], out[n*s.Len():]}
	batch.Uint8(42, dst, images, s, nil)
	fmt.Println(len(out) / s.Len())
	// Output: 512
}

func ExampleNewCompose() {
	// A SimCLR-style pipeline for 32x32 RGB images.
	pipe, err := augment.NewCompose(
		augment.Must(augment.NewRandomResizedCrop(32, 32, [2]float64{0.08, 1}, [2]float64{3.0 / 4, 4.0 / 3})),
		augment.Must(augment.NewHorizontalFlip(0.5)),
		augment.Must(augment.NewRandomApply(0.8, augment.Must(augment.NewColorJitter(0.4, 0.4, 0.4, 0.1)))),
		augment.Must(augment.NewGrayscale(0.2)),
		augment.Must(augment.NewRandomApply(0.5, augment.Must(augment.NewGaussianBlur(3, [2]float64{0.1, 2})))),
	)
	if err != nil {
		panic(err)
	}
	in := augment.Shape{C: 3, H: 48, W: 40}
	src := make([]float32, in.Len())
	dst := make([]float32, pipe.OutShape(in).Len())
	pipe.Apply(rand.New(rand.NewPCG(1, 2)), dst, src, in)
	fmt.Println(pipe.OutShape(in))
	// Output: 3x32x32
}

func ExampleSCARF() {
	// Training matrix: 4 rows, 3 features.
	x := []float32{
		1, 10, 100,
		2, 20, 200,
		3, 30, 300,
		4, 40, 400,
	}
	m := augment.Must(augment.FitMarginals(x, 4, 3))
	scarf := augment.Must(augment.NewSCARF(m, 0.6)) // replaces round(0.6*3) = 2 features
	row := []float32{-1, -2, -3}
	out := make([]float32, 3)
	scarf.Apply(rand.New(rand.NewPCG(1, 2)), out, row)
	kept := 0
	for j := range out {
		if out[j] == row[j] {
			kept++
		}
	}
	fmt.Println(scarf.Replaced(), kept)
	// Output: 2 1
}

func ExampleNewComposeText() {
	words := []string{"a", "b", "c", "d", "e", "f"}
	pipe := augment.Must(augment.NewComposeText(
		augment.Must(augment.NewAdjacentSwap[string](0.2)),
		augment.Must(augment.NewTokenMask(0.2, "[MASK]")),
	))
	out := pipe.Apply(rand.New(rand.NewPCG(3, 4)), make([]string, len(words)), words)
	fmt.Println(len(out))
	// Output: 6
}
