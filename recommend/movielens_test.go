package recommend

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const sliceDir = "testdata/ml-slice"

// countLines counts the non-empty lines of a file after the header.
func countLines(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) != "" {
			n++
		}
	}
	return n - 1
}

func TestReadMovieLensSlice(t *testing.T) {
	ml, err := ReadMovieLens(sliceDir)
	if err != nil {
		t.Fatal(err)
	}
	// Every line is one record (no field of this slice spans lines).
	for _, c := range []struct {
		file string
		got  int
	}{{MoviesFile, len(ml.Movies)}, {RatingsFile, len(ml.Ratings)}, {TagsFile, len(ml.Tags)}} {
		if want := countLines(t, filepath.Join(sliceDir, c.file)); c.got != want {
			t.Errorf("%s: %d records, %d lines", c.file, c.got, want)
		}
	}
	byID := map[int]Movie{}
	for _, m := range ml.Movies {
		byID[m.ID] = m
	}
	for _, tc := range []struct {
		id     int
		title  string
		year   int
		genres []string
	}{
		{1262, "Great Escape, The (1963)", 1963, []string{"Action", "Adventure", "Drama", "War"}},
		{114335, "La cravate (1957)", 1957, nil},
	} {
		t.Run(tc.title, func(t *testing.T) {
			m, ok := byID[tc.id]
			if !ok {
				t.Fatalf("movie %d missing", tc.id)
			}
			if m.Title != tc.title || m.Year != tc.year || !slices.Equal(m.Genres, tc.genres) {
				t.Errorf("got %+v, want title %q year %d genres %q", m, tc.title, tc.year, tc.genres)
			}
		})
	}
	if r := ml.Ratings[0]; r.User <= 0 || r.Movie <= 0 || r.Stars < 0.5 || r.Stars > 5 || r.Time < 8e8 {
		t.Errorf("first rating %+v looks wrong", r)
	}
}

func TestReadMoviesQuoting(t *testing.T) {
	const in = "movieId,title,genres\r\n" +
		"1262,\"Great Escape, The (1963)\",Action|Adventure|Drama|War\r\n" +
		"7,\"\"\"Quoted\"\" Film, A (2001) \",Comedy\r\n" +
		"40697,Babylon 5,Sci-Fi\r\n" +
		"9,Series (2006-2007),(no genres listed)\r\n"
	ms, err := ReadMovies(strings.NewReader("\ufeff"+in), "movies.csv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Movie{
		{1262, "Great Escape, The (1963)", 1963, []string{"Action", "Adventure", "Drama", "War"}},
		{7, `"Quoted" Film, A (2001)`, 2001, []string{"Comedy"}},
		{40697, "Babylon 5", 0, []string{"Sci-Fi"}},
		{9, "Series (2006-2007)", 2006, nil},
	}
	if len(ms) != len(want) {
		t.Fatalf("%d movies, want %d", len(ms), len(want))
	}
	for i := range want {
		g, w := ms[i], want[i]
		if g.ID != w.ID || g.Title != w.Title || g.Year != w.Year || !slices.Equal(g.Genres, w.Genres) {
			t.Errorf("movie %d: got %+v, want %+v", i, g, w)
		}
	}
	tags, err := ReadTags(strings.NewReader("userId,movieId,tag,timestamp\n567,4552,\"\"\"artsy\"\"\",1525285878\n"), "tags.csv")
	if err != nil || len(tags) != 1 || tags[0].Text != `"artsy"` {
		t.Fatalf("tags %+v, %v", tags, err)
	}
}

func TestReadErrorsNameFileAndLine(t *testing.T) {
	type reader func(string) error
	movies := func(s string) error { _, err := ReadMovies(strings.NewReader(s), "m.csv"); return err }
	ratings := func(s string) error { _, err := ReadRatings(strings.NewReader(s), "r.csv"); return err }
	tags := func(s string) error { _, err := ReadTags(strings.NewReader(s), "t.csv"); return err }
	const mh, rh, th = "movieId,title,genres\n", "userId,movieId,rating,timestamp\n", "userId,movieId,tag,timestamp\n"
	for _, tc := range []struct {
		name string
		read reader
		in   string
		want []string
	}{
		{"empty", movies, "", []string{"m.csv", "empty file"}},
		{"header", movies, "id,title,genres\n1,A (1990),Drama\n", []string{"m.csv", "line 1", "header"}},
		{"fields", movies, mh + "1,A (1990),Drama\n2,B (1991)\n", []string{"m.csv", "line 3"}},
		{"id", movies, mh + "x,A (1990),Drama\n", []string{"m.csv", "line 2", "movieId"}},
		{"duplicate", movies, mh + "1,A,Drama\n1,B,Drama\n", []string{"m.csv", "line 3", "twice"}},
		{"open quote", movies, mh + "1,\"A (1990),Drama\n", []string{"m.csv", "line 2"}},
		{"quote line", movies, mh + "1,A,Drama\n2,\"B\"x,Drama\n", []string{"m.csv", "line 3"}},
		{"rating", ratings, rh + "1,2,4.0,964982703\n1,3,good,964982703\n", []string{"r.csv", "line 3", "rating"}},
		{"nan", ratings, rh + "1,2,NaN,964982703\n", []string{"r.csv", "line 2"}},
		{"timestamp", ratings, rh + "1,2,4.0,soon\n", []string{"r.csv", "line 2", "timestamp"}},
		{"user", ratings, rh + "-1,2,4.0,1\n", []string{"r.csv", "line 2", "userId"}},
		{"tag time", tags, th + "1,2,funny,x\n", []string{"t.csv", "line 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read(tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestReadMovieLensUnknownMovie(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(MoviesFile, "movieId,title,genres\n1,A (1990),Drama\n")
	write(RatingsFile, "userId,movieId,rating,timestamp\n1,1,4,10\n1,2,4,11\n")
	_, err := ReadMovieLens(dir)
	if err == nil || !strings.Contains(err.Error(), RatingsFile) || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("error %v, want one naming %s line 3", err, RatingsFile)
	}
	// Without tags.csv the set loads with no tags.
	write(RatingsFile, "userId,movieId,rating,timestamp\n1,1,4,10\n")
	ml, err := ReadMovieLens(dir)
	if err != nil || len(ml.Tags) != 0 || len(ml.Ratings) != 1 {
		t.Fatalf("%+v, %v", ml, err)
	}
	if _, err := ReadMovieLens(filepath.Join(dir, "nowhere")); err == nil || !strings.Contains(err.Error(), MoviesFile) {
		t.Fatalf("missing directory: %v", err)
	}
}

func TestTitleYear(t *testing.T) {
	for _, tc := range []struct {
		title string
		year  int
	}{{"Toy Story (1995)", 1995}, {"Babylon 5", 0}, {"Assembly (Ji jie hao) (2007)", 2007}, {"Cosmos (1980–)", 1980},
		{"1984 (1984)", 1984}, {"2001: A Space Odyssey", 0}, {"", 0}} {
		if got := titleYear(tc.title); got != tc.year {
			t.Errorf("titleYear(%q) = %d, want %d", tc.title, got, tc.year)
		}
	}
}

func FuzzReadMovies(f *testing.F) {
	f.Add("movieId,title,genres\n1,\"Great Escape, The (1963)\",Action|War\n")
	f.Add("movieId,title,genres\n2,Babylon 5,(no genres listed)\n")
	f.Add("movieId,title,genres\r\n3,\"\"\"x\"\" (1999)\",\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := ReadMovies(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, m := range ms {
			if m.Year != 0 && (m.Year < 1000 || m.Year > 9999) {
				t.Fatalf("year %d from %q", m.Year, m.Title)
			}
		}
	})
}

func FuzzReadRatings(f *testing.F) {
	f.Add("userId,movieId,rating,timestamp\n1,1,4.0,964982703\n")
	f.Add("userId,movieId,rating,timestamp\n1,1,-0,1\n")
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ReadRatings(strings.NewReader(s), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		for _, r := range rs {
			if r.User < 0 || r.Movie < 0 || !(r.Stars >= 0) {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

func TestDescribe(t *testing.T) {
	ml := &MovieLens{
		Movies:  []Movie{{ID: 1, Title: "Toy Story (1995)", Year: 1995, Genres: []string{"Animation", "Comedy"}}, {ID: 2, Title: "Heat (1995)"}},
		Ratings: []Rating{{User: 7, Movie: 1, Stars: 4.5, Time: 86400}, {User: 9, Movie: 2, Stars: 1, Time: 0}, {User: 7, Movie: 2, Stars: 3, Time: 2 * 86400}},
	}
	want := "2 movies, 2 users, 3 ratings, 0 tags\n" +
		"  stars 1.0 to 4.5; rated 1970-01-01 to 1970-01-03\n" +
		"  movie 1: Toy Story (1995) [Animation|Comedy]\n"
	if got := ml.Describe(1); got != want {
		t.Errorf("Describe:\n%s\nwant\n%s", got, want)
	}
}
