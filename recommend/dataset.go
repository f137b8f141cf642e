package recommend

import (
	"cmp"
	"fmt"
	"slices"
)

// Dataset is a MovieLens set in dense indices: items are the movies of the
// catalogue in file order, users the raters in order of first appearance, and
// every user's interactions (ratings of any value, as implicit feedback) are
// in time order, ties kept in file order.
type Dataset struct {
	Movies []Movie     // item i is Movies[i]
	ItemOf map[int]int // movieId -> item index
	Users  []int       // userId of each user index
	Seqs   [][]int     // per user, item indices in time order
	Tags   [][]string  // per item, its tags in file order
}

// NewDataset indexes ml. It fails on a user who rated the same movie twice.
func NewDataset(ml *MovieLens) (*Dataset, error) {
	d := &Dataset{Movies: ml.Movies, ItemOf: make(map[int]int, len(ml.Movies))}
	for i, m := range ml.Movies {
		d.ItemOf[m.ID] = i
	}
	userOf := map[int]int{}
	type ev struct {
		item int
		time int64
		pos  int
	}
	var evs [][]ev
	for pos, r := range ml.Ratings {
		it, ok := d.ItemOf[r.Movie]
		if !ok {
			return nil, fmt.Errorf("recommend: rating %d: movie %d is not in the catalogue", pos+1, r.Movie)
		}
		u, ok := userOf[r.User]
		if !ok {
			u = len(d.Users)
			userOf[r.User] = u
			d.Users = append(d.Users, r.User)
			evs = append(evs, nil)
		}
		evs[u] = append(evs[u], ev{it, r.Time, pos})
	}
	d.Seqs = make([][]int, len(evs))
	for u, e := range evs {
		slices.SortFunc(e, func(a, b ev) int { return cmp.Or(cmp.Compare(a.time, b.time), cmp.Compare(a.pos, b.pos)) })
		seq := make([]int, len(e))
		seen := make(map[int]bool, len(e))
		for k, x := range e {
			if seen[x.item] {
				return nil, fmt.Errorf("recommend: user %d rated movie %d twice", d.Users[u], d.Movies[x.item].ID)
			}
			seen[x.item] = true
			seq[k] = x.item
		}
		d.Seqs[u] = seq
	}
	d.Tags = make([][]string, len(d.Movies))
	for _, t := range ml.Tags {
		if it, ok := d.ItemOf[t.Movie]; ok && t.Text != "" {
			d.Tags[it] = append(d.Tags[it], t.Text)
		}
	}
	return d, nil
}

// NumItems is the size of the catalogue.
func (d *Dataset) NumItems() int { return len(d.Movies) }
