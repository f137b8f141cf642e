package index_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/contrast-ml/contrast/index"
)

func Example() {
	idx, err := index.NewFlat(index.Config{Dim: 2, Metric: index.Cosine})
	if err != nil {
		panic(err)
	}
	idx.Add(
		index.Item{ID: "east", Vector: []float32{1, 0}, Meta: json.RawMessage(`{"kind":"axis"}`)},
		index.Item{ID: "north", Vector: []float32{0, 1}, Meta: json.RawMessage(`{"kind":"axis"}`)},
		index.Item{ID: "northeast", Vector: []float32{1, 1}, Meta: json.RawMessage(`{"kind":"diagonal"}`)},
	)
	res, _ := idx.Search([]float32{2, 1}, 2, index.Params{})
	for _, r := range res {
		fmt.Printf("%s %.3f\n", r.ID, r.Score)
	}
	axis, _ := index.ParseFilter([]byte(`{"field":"kind","equals":"axis"}`))
	res, _ = idx.SearchByID("northeast", 5, index.Params{Filter: axis})
	fmt.Println(len(res), "axis neighbours of northeast")
	// Output:
	// northeast 0.949
	// east 0.894
	// 2 axis neighbours of northeast
}

func ExampleNewHNSW() {
	idx, err := index.NewHNSW(index.Config{Dim: 3, Metric: index.L2, M: 8, EfConstruction: 64, Ef: 32})
	if err != nil {
		panic(err)
	}
	var items []index.Item
	for i := 0; i < 100; i++ {
		items = append(items, index.Item{ID: fmt.Sprint("p", i), Vector: []float32{float32(i), 0, 0}})
	}
	idx.Add(items...)
	idx.Delete("p42")
	res, _ := idx.Search([]float32{42.2, 0, 0}, 3, index.Params{})
	for _, r := range res {
		fmt.Printf("%s %.2f\n", r.ID, r.Score)
	}
	// Output:
	// p43 0.64
	// p41 1.44
	// p44 3.24
}

func ExampleOpen() {
	dir, _ := os.MkdirTemp("", "contrast-index-")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "vectors")
	db, err := index.Open(path, index.Options{
		Kind:   index.KindHNSW,
		Config: index.Config{Dim: 2, Metric: index.Dot},
		Sync:   index.SyncGroup,
	})
	if err != nil {
		panic(err)
	}
	db.Upsert(index.Item{ID: "a", Vector: []float32{1, 2}}, index.Item{ID: "b", Vector: []float32{3, 1}})
	db.Delete("a")
	db.Close()

	db, err = index.Open(path, index.Options{}) // replays the log
	if err != nil {
		panic(err)
	}
	defer db.Close()
	fmt.Println(db.Len(), db.Recovery().Records, "records replayed")
	db.Compact() // folds the log into a new snapshot
	// Output:
	// 1 2 records replayed
}
