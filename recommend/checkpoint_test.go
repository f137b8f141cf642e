package recommend

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func tinySpec() ModelSpec {
	return ModelSpec{
		Format: specFormat, Dim: 4, WordDim: 3, ItemIDs: true, History: 5, Pooling: Recency, HalfLife: 2,
		Temperature: 0.1, Text: TextConfig{Tags: true, Bigrams: true, MinCount: 1, Buckets: 8}, Seed: 3,
		Vocab: []string{"w:toy", "g:comedy"},
		Items: []ItemText{{MovieID: 1, Title: "Toy Story (1995)", Genres: []string{"Comedy"}, Tags: []string{"pixar"}},
			{MovieID: 2, Title: "Heat (1995)"}},
		HasID: []bool{true, false}, Popularity: []int{3, 0},
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	m, err := NewModel(tinySpec(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := m.Save(dir); err != nil {
		t.Fatal(err)
	}
	back, err := LoadModel(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range m.Params() {
		q := back.Params()[i]
		if p.Name != q.Name || len(p.Value.Data) != len(q.Value.Data) {
			t.Fatalf("param %d: %s vs %s", i, p.Name, q.Name)
		}
		for j := range p.Value.Data {
			if p.Value.Data[j] != q.Value.Data[j] {
				t.Fatalf("%s[%d]: %v vs %v", p.Name, j, p.Value.Data[j], q.Value.Data[j])
			}
		}
	}
	got, err := back.Recommend([]int{1}, 5, nil)
	if err != nil || len(got) != 1 || got[0].MovieID != 2 || got[0].Title != "Heat (1995)" {
		t.Fatalf("%+v, %v", got, err)
	}
	// A spec from another format, or a corrupt one, is refused with the path.
	path := filepath.Join(dir, SpecFile)
	raw, _ := os.ReadFile(path)
	for _, bad := range []string{strings.Replace(string(raw), specFormat, "other/v0", 1), "{", `{"format":"` + specFormat + `","dim":4}`} {
		if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadModel(dir); err == nil || !strings.Contains(err.Error(), SpecFile) {
			t.Errorf("spec %.40q: error %v", bad, err)
		}
	}
}

func FuzzModelSpec(f *testing.F) {
	good, _ := json.Marshal(tinySpec())
	f.Add(good)
	f.Add([]byte(`{"format":"` + specFormat + `","dim":2,"word_dim":2,"history":1,"pooling":"mean","items":[{"movie_id":1,"title":""}],"has_id":[false],"popularity":[0],"text":{"buckets":1}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var s ModelSpec
		if json.Unmarshal(b, &s) != nil || s.validate() != nil {
			return
		}
		if (len(s.Vocab)+s.Text.Buckets)*s.WordDim > 1<<20 || len(s.Items)*s.Dim > 1<<20 || s.Dim*s.Dim > 1<<20 {
			return // valid but too big for a fuzz iteration
		}
		in := numFields * s.WordDim
		for _, w := range append(append([]int(nil), s.Hidden...), s.Dim) {
			if in*w > 1<<20 {
				return
			}
			in = w
		}
		m, err := NewModel(s, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			return
		}
		if _, err := m.Recommend([]int{s.Items[0].MovieID}, 3, nil); err != nil {
			t.Fatalf("Recommend on a valid spec: %v", err)
		}
	})
}

// TestRecommendConcurrent calls Recommend from several goroutines, the first
// call preparing the index (run with -race).
func TestRecommendConcurrent(t *testing.T) {
	m, err := NewModel(tinySpec(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			got, err := m.Recommend([]int{1 + g%2}, 1, nil)
			if err == nil && len(got) != 1 {
				err = fmt.Errorf("%d results", len(got))
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestHandleJSON(t *testing.T) {
	m, err := NewModel(tinySpec(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		body  string
		items []int // movie IDs, or nil for a bad request
	}{
		{`{"history":[1],"k":5}`, []int{2}},
		{`{"history":[2],"exclude":[1]}`, []int{}},
		{`{"history":[],"k":1}`, []int{1}}, // most popular
		{`{"history":[3]}`, nil},
		{`{"history":[1],"k":-1}`, nil},
		{`{"history":[1],"k":1001}`, nil},
		{`{"history":[1],"limit":3}`, nil},
		{`{"history":[1]} {}`, nil},
		{`[1]`, nil},
		{``, nil},
		{`{"history":["Toy Story"]}`, nil},
		{`null`, nil}, // not the popularity list
		{`{"history":[3],"history":[1]}`, nil},
		{`{"history":[1],"K":1}`, nil},
		{`{"History":[1]}`, nil},
		{`{"history":[1],"exclude":[2],"exclude":[]}`, nil},
	} {
		t.Run(tc.body, func(t *testing.T) {
			resp, err := m.HandleJSON([]byte(tc.body))
			if tc.items == nil {
				if !errors.Is(err, ErrBadRequest) {
					t.Fatalf("error %v, want a bad request", err)
				}
				if strings.Contains(err.Error(), "Go struct") {
					t.Fatalf("error %q names a Go type", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, s := range resp.Items {
				got = append(got, s.MovieID)
			}
			if len(got) != len(tc.items) || (len(got) > 0 && !slices.Equal(got, tc.items)) || resp.Items == nil {
				t.Errorf("items %v, want %v", got, tc.items)
			}
		})
	}
}

func FuzzHandleJSON(f *testing.F) {
	m, err := NewModel(tinySpec(), rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`{"history":[1],"k":5,"exclude":[2]}`))
	f.Add([]byte(`{"history":[2,1,1],"k":1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		resp, err := m.HandleJSON(b)
		if err != nil {
			if !errors.Is(err, ErrBadRequest) {
				t.Fatalf("error %v does not wrap ErrBadRequest", err)
			}
			return
		}
		if len(resp.Items) > 2 {
			t.Fatalf("%d items from a catalogue of 2", len(resp.Items))
		}
	})
}
