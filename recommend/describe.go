package recommend

import (
	"fmt"
	"strings"
	"time"
)

// Describe summarises a MovieLens data set for `contrast data inspect`: the
// counts of movies, users, ratings and tags, the range of stars and of
// rating times, and the first n movies.
func (ml *MovieLens) Describe(n int) string {
	var b strings.Builder
	users := map[int]bool{}
	lo, hi := float32(0), float32(0)
	var first, last int64
	for i, r := range ml.Ratings {
		users[r.User] = true
		if i == 0 {
			lo, hi, first, last = r.Stars, r.Stars, r.Time, r.Time
		}
		lo, hi = min(lo, r.Stars), max(hi, r.Stars)
		first, last = min(first, r.Time), max(last, r.Time)
	}
	fmt.Fprintf(&b, "%d movies, %d users, %d ratings, %d tags\n", len(ml.Movies), len(users), len(ml.Ratings), len(ml.Tags))
	if len(ml.Ratings) > 0 {
		day := func(t int64) string { return time.Unix(t, 0).UTC().Format("2006-01-02") }
		fmt.Fprintf(&b, "  stars %.1f to %.1f; rated %s to %s\n", lo, hi, day(first), day(last))
	}
	for _, m := range ml.Movies[:min(n, len(ml.Movies))] {
		fmt.Fprintf(&b, "  movie %d: %s [%s]\n", m.ID, m.Title, strings.Join(m.Genres, "|"))
	}
	return b.String()
}
