package data_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/contrast-ml/contrast/data"
)

func ExampleParseSpec() {
	sp, err := data.ParseSpec("images:photos?size=64&channels=1")
	if err != nil {
		panic(err)
	}
	fmt.Println(sp.Kind, sp.Path, sp.Options["size"], sp.Options["channels"])
	_, err = data.ParseSpec("cifar:x")
	fmt.Println(err != nil)
	// Output:
	// images photos 64 1
	// true
}

func ExampleImages_Example() {
	im := &data.Images{N: 1, C: 1, H: 1, W: 3, Pix: []uint8{0, 51, 255}, Labels: []int{0}, ClassNames: []string{"x"}}
	dst := make([]float32, im.Dim())
	im.Example(0, dst)
	fmt.Println(dst)
	// Output: [0 0.2 1]
}

func ExampleNewMPerClass() {
	labels := []int{0, 0, 1, 1, 2, 2} // three classes of two examples
	s, err := data.NewMPerClass(labels, 2, 3, 1)
	if err != nil {
		panic(err)
	}
	for _, b := range s.Batches(0) {
		fmt.Println(len(b), labels[b[0]] == labels[b[1]])
	}
	// Output: 6 true
}

func ExampleLoader_Epoch() {
	sampler, _ := data.NewSequential(5, 2)
	loader, err := data.NewLoader(data.LoaderConfig{
		Sampler: sampler,
		Dim:     1,
		Fill:    func(rng *rand.Rand, i int, dst []float32) { dst[0] = float32(10 * i) },
		Workers: 2,
		Seed:    1,
	})
	if err != nil {
		panic(err)
	}
	for b, err := range loader.Epoch(context.Background(), 0) {
		if err != nil {
			panic(err)
		}
		fmt.Println(b.Step, b.Index, b.X)
	}
	// Output:
	// 0 [0 1] [0 10]
	// 1 [2 3] [20 30]
	// 2 [4] [40]
}
