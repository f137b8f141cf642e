package recommend

import (
	"math"
	"slices"
	"testing"
)

func TestNewDatasetOrdersByTime(t *testing.T) {
	ml := &MovieLens{
		Movies: []Movie{{ID: 10}, {ID: 20}, {ID: 30}, {ID: 40}},
		Ratings: []Rating{
			{User: 7, Movie: 10, Time: 300}, {User: 7, Movie: 20, Time: 100}, {User: 5, Movie: 40, Time: 1},
			{User: 7, Movie: 30, Time: 100}, // ties with movie 20: file order kept
			{User: 7, Movie: 40, Time: 50},
		},
		Tags: []Tag{{User: 7, Movie: 30, Text: "noir"}, {User: 5, Movie: 30, Text: ""}},
	}
	d, err := NewDataset(ml)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Users, []int{7, 5}) {
		t.Errorf("users %v", d.Users)
	}
	// items: 10->0, 20->1, 30->2, 40->3
	if !slices.Equal(d.Seqs[0], []int{3, 1, 2, 0}) || !slices.Equal(d.Seqs[1], []int{3}) {
		t.Errorf("sequences %v", d.Seqs)
	}
	if !slices.Equal(d.Tags[2], []string{"noir"}) {
		t.Errorf("tags %v", d.Tags)
	}
	ml.Ratings = append(ml.Ratings, Rating{User: 5, Movie: 40, Time: 9})
	if _, err := NewDataset(ml); err == nil {
		t.Error("a repeated (user, movie) was accepted")
	}
}

func TestSplitHandCase(t *testing.T) {
	seqs := [][]int{{0, 1, 2, 3, 4}, {4, 3}, {2, 0, 1}}
	s, err := SplitLeaveLastOut(seqs, 6, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	want := struct {
		train       [][]int
		valid, test []int
	}{[][]int{{0, 1, 2}, {4, 3}, {2}}, []int{3, -1, 0}, []int{4, -1, 1}}
	for u := range seqs {
		if !slices.Equal(s.Train[u], want.train[u]) || s.Valid[u] != want.valid[u] || s.Test[u] != want.test[u] {
			t.Errorf("user %d: train %v valid %d test %d", u, s.Train[u], s.Valid[u], s.Test[u])
		}
	}
	if h := s.History(0, false); !slices.Equal(h, []int{0, 1, 2, 3}) {
		t.Errorf("test history %v", h)
	}
	if h := s.History(0, true); !slices.Equal(h, []int{0, 1, 2}) {
		t.Errorf("validation history %v", h)
	}
	if !slices.Equal(s.Train[0], []int{0, 1, 2}) {
		t.Error("History changed the training sequence")
	}
	if _, err := SplitLeaveLastOut(seqs, 4, 0, 1); err == nil {
		t.Error("item 4 of 4 accepted")
	}
	if _, err := SplitLeaveLastOut(seqs, 6, 1, 1); err == nil {
		t.Error("cold fraction 1 accepted")
	}
}

func TestSplitSliceProperties(t *testing.T) {
	ml, err := ReadMovieLens(sliceDir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDataset(ml)
	if err != nil {
		t.Fatal(err)
	}
	s, err := SplitLeaveLastOut(d.Seqs, d.NumItems(), 0.1, 42)
	if err != nil {
		t.Fatal(err)
	}
	interacted := map[int]bool{}
	for _, seq := range d.Seqs {
		for _, it := range seq {
			interacted[it] = true
		}
	}
	cold := 0
	for it, c := range s.Cold {
		if c {
			cold++
			if !interacted[it] {
				t.Errorf("cold item %d has no interaction", it)
			}
		}
	}
	if want := int(math.Round(0.1 * float64(len(interacted)))); cold != want || s.NumCold != want {
		t.Errorf("%d cold items (NumCold %d), want %d", cold, s.NumCold, want)
	}
	coldTests := 0
	for u, seq := range d.Seqs {
		n := len(seq)
		if s.Test[u] != seq[n-1] || s.Valid[u] != seq[n-2] {
			t.Fatalf("user %d: test %d valid %d, sequence ends %v", u, s.Test[u], s.Valid[u], seq[n-2:])
		}
		var want []int
		for _, it := range seq[:n-2] {
			if !s.Cold[it] {
				want = append(want, it)
			}
		}
		if !slices.Equal(s.Train[u], want) {
			t.Fatalf("user %d: training %v, want %v", u, s.Train[u], want)
		}
		for _, it := range s.Train[u] {
			if it == s.Test[u] || it == s.Valid[u] || s.Cold[it] {
				t.Fatalf("user %d: item %d leaks into training", u, it)
			}
		}
		if s.Cold[s.Test[u]] {
			coldTests++
		}
	}
	if coldTests == 0 {
		t.Error("no test interaction with a cold item: the cold-start protocol would be empty")
	}
	// Same seed, same split; another seed, other cold items.
	s2, _ := SplitLeaveLastOut(d.Seqs, d.NumItems(), 0.1, 42)
	s3, _ := SplitLeaveLastOut(d.Seqs, d.NumItems(), 0.1, 43)
	if !slices.Equal(s.Cold, s2.Cold) || slices.Equal(s.Cold, s3.Cold) {
		t.Error("cold items do not follow the seed")
	}
}
