package recommend

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The files of the MovieLens "latest" layout (ml-latest-small, ml-latest): CSV
// with a header row, UTF-8, fields holding commas or quotes quoted RFC 4180
// style. links.csv is not read.
const (
	MoviesFile  = "movies.csv"  // movieId,title,genres
	RatingsFile = "ratings.csv" // userId,movieId,rating,timestamp
	TagsFile    = "tags.csv"    // userId,movieId,tag,timestamp (optional)
)

// NoGenres is how movies.csv spells an empty genre list.
const NoGenres = "(no genres listed)"

// Movie is one row of movies.csv.
type Movie struct {
	ID     int
	Title  string   // as in the file, year included, surrounding spaces trimmed
	Year   int      // the year in the title's final "(YYYY)", 0 when there is none
	Genres []string // the "|"-separated genres; nil for "(no genres listed)"
}

// Rating is one row of ratings.csv: a user rated a movie at a time (Unix seconds).
type Rating struct {
	User, Movie int
	Stars       float32 // 0.5 to 5 in half stars
	Time        int64
}

// Tag is one row of tags.csv: a user applied a free-text tag to a movie.
type Tag struct {
	User, Movie int
	Text        string
	Time        int64
}

// MovieLens is a MovieLens data set (Harper & Konstan 2015, "The MovieLens
// Datasets: History and Context", ACM TiiS 5(4)) in file order.
type MovieLens struct {
	Movies  []Movie
	Ratings []Rating
	Tags    []Tag
}

// ReadMovieLens reads MoviesFile, RatingsFile and, when present, TagsFile from
// dir. Ratings and tags must name movies of MoviesFile. Errors name the file
// and line.
func ReadMovieLens(dir string) (*MovieLens, error) {
	ml := &MovieLens{}
	var err error
	if ml.Movies, err = readFile(filepath.Join(dir, MoviesFile), ReadMovies); err != nil {
		return nil, err
	}
	if ml.Ratings, err = readFile(filepath.Join(dir, RatingsFile), ReadRatings); err != nil {
		return nil, err
	}
	tags := filepath.Join(dir, TagsFile)
	if _, serr := os.Stat(tags); serr == nil {
		if ml.Tags, err = readFile(tags, ReadTags); err != nil {
			return nil, err
		}
	}
	known := make(map[int]bool, len(ml.Movies))
	for _, m := range ml.Movies {
		known[m.ID] = true
	}
	for i, r := range ml.Ratings {
		if !known[r.Movie] {
			return nil, fmt.Errorf("recommend: %s: line %d: movie %d is not in %s", filepath.Join(dir, RatingsFile), i+2, r.Movie, MoviesFile)
		}
	}
	for i, t := range ml.Tags {
		if !known[t.Movie] {
			return nil, fmt.Errorf("recommend: %s: line %d: movie %d is not in %s", tags, i+2, t.Movie, MoviesFile)
		}
	}
	return ml, nil
}

func readFile[T any](path string, read func(io.Reader, string) ([]T, error)) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("recommend: read %q: %w", path, err)
	}
	defer f.Close()
	return read(f, path)
}

// ReadMovies parses movies.csv from r; name is used in errors.
func ReadMovies(r io.Reader, name string) ([]Movie, error) {
	var out []Movie
	seen := map[int]bool{}
	err := readCSV(r, name, []string{"movieId", "title", "genres"}, func(line int, f []string) error {
		id, err := parseID(f[0], "movieId")
		if err != nil {
			return err
		}
		if seen[id] {
			return fmt.Errorf("movieId %d appears twice", id)
		}
		seen[id] = true
		m := Movie{ID: id, Title: strings.TrimSpace(f[1]), Genres: splitGenres(f[2])}
		m.Year = titleYear(m.Title)
		out = append(out, m)
		return nil
	})
	return out, err
}

// ReadRatings parses ratings.csv from r; name is used in errors.
func ReadRatings(r io.Reader, name string) ([]Rating, error) {
	var out []Rating
	err := readCSV(r, name, []string{"userId", "movieId", "rating", "timestamp"}, func(line int, f []string) error {
		u, err := parseID(f[0], "userId")
		if err != nil {
			return err
		}
		m, err := parseID(f[1], "movieId")
		if err != nil {
			return err
		}
		s, err := strconv.ParseFloat(f[2], 32)
		if err != nil || math.IsNaN(s) || math.IsInf(s, 0) || s < 0 {
			return fmt.Errorf("rating %q is not a non-negative number", f[2])
		}
		ts, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return fmt.Errorf("timestamp %q is not an integer", f[3])
		}
		out = append(out, Rating{User: u, Movie: m, Stars: float32(s), Time: ts})
		return nil
	})
	return out, err
}

// ReadTags parses tags.csv from r; name is used in errors.
func ReadTags(r io.Reader, name string) ([]Tag, error) {
	var out []Tag
	err := readCSV(r, name, []string{"userId", "movieId", "tag", "timestamp"}, func(line int, f []string) error {
		u, err := parseID(f[0], "userId")
		if err != nil {
			return err
		}
		m, err := parseID(f[1], "movieId")
		if err != nil {
			return err
		}
		ts, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return fmt.Errorf("timestamp %q is not an integer", f[3])
		}
		out = append(out, Tag{User: u, Movie: m, Text: strings.TrimSpace(f[2]), Time: ts})
		return nil
	})
	return out, err
}

// readCSV checks the header and calls row for every record with its line number
// (of the record's first line); an error from row gains the file and line.
func readCSV(r io.Reader, name string, header []string, row func(line int, f []string) error) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(header)
	cr.ReuseRecord = true
	rec, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("recommend: %s: empty file, want the header %s", name, strings.Join(header, ","))
	}
	if err != nil {
		return csvError(name, err)
	}
	if len(rec) > 0 {
		rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
	}
	if !slices.Equal(rec, header) {
		return fmt.Errorf("recommend: %s: line 1: header %q, want %s", name, strings.Join(rec, ","), strings.Join(header, ","))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := row(line, rec); err != nil {
			return fmt.Errorf("recommend: %s: line %d: %w", name, line, err)
		}
	}
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("recommend: %s: line %d: %w", name, pe.Line, pe.Err)
	}
	return fmt.Errorf("recommend: read %s: %w", name, err)
}

func parseID(s, field string) (int, error) {
	id, err := strconv.Atoi(s)
	if err != nil || id < 0 {
		return 0, fmt.Errorf("%s %q is not a non-negative integer", field, s)
	}
	return id, nil
}

func splitGenres(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" || s == NoGenres {
		return nil
	}
	var out []string
	for _, g := range strings.Split(s, "|") {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}

// yearRE matches a title's final "(1995)" or "(2006-2007)" (series); a
// leading zero, as in "(0001)", is no year (found by FuzzReadMovies).
var yearRE = regexp.MustCompile(`\(([1-9]\d{3})(?:[-–]\d{0,4})?\)$`)

func titleYear(title string) int {
	m := yearRE.FindStringSubmatch(title)
	if m == nil {
		return 0
	}
	y, _ := strconv.Atoi(m[1])
	return y
}
