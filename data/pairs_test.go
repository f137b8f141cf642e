package data

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// wantParseError checks that err is a *ParseError at file:line whose text
// contains msg.
func wantParseError(t *testing.T, err error, file string, line int, msg string) {
	t.Helper()
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("error %v is not a *ParseError", err)
	}
	if pe.File != file || pe.Line != line || !strings.Contains(err.Error(), msg) {
		t.Fatalf("got %q at %s:%d, want %s:%d and %q", err, pe.File, pe.Line, file, line, msg)
	}
}

func sumScores(p *ScoredPairs) float64 {
	var s float64
	for _, q := range p.Pairs {
		s += q.Score
	}
	return s
}

func labelCounts(p *ScoredPairs) map[string]int {
	c := map[string]int{}
	for _, q := range p.Pairs {
		c[q.Label]++
	}
	return c
}

func TestReadSICKSample(t *testing.T) {
	p, err := ReadSICK("testdata/sick_sample.txt")
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 30 || p.ScoreMin != 1 || p.ScoreMax != 5 {
		t.Fatalf("len %d range [%v, %v]", p.Len(), p.ScoreMin, p.ScoreMax)
	}
	want := Pair{
		A:     "A group of kids is playing in a yard and an old man is standing in the background",
		B:     "A group of boys in a yard is playing and a man is standing in the background",
		Score: 4.5, Label: "NEUTRAL", Source: "sick_sample",
	}
	if p.Pairs[0] != want {
		t.Fatalf("first pair %+v, want %+v", p.Pairs[0], want)
	}
}

// TestReadSICKFull checks the shared files against counts computed with awk.
func TestReadSICKFull(t *testing.T) {
	dir := sharedData(t, "text/sick2014")
	for _, c := range []struct {
		file          string
		n             int
		sum           float64
		neu, ent, con int
	}{
		{"SICK_train.txt", 4500, 15844.255, 2536, 1299, 665},
		{"SICK_trial.txt", 500, 1797.195, 282, 144, 74},
		{"SICK_test_annotated.txt", 4927, 17392.415, 2793, 1414, 720},
	} {
		t.Run(c.file, func(t *testing.T) {
			p, err := ReadSICK(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			lc := labelCounts(p)
			if p.Len() != c.n || math.Abs(sumScores(p)-c.sum) > 1e-6 || lc["NEUTRAL"] != c.neu || lc["ENTAILMENT"] != c.ent || lc["CONTRADICTION"] != c.con {
				t.Fatalf("n=%d sum=%.4f labels %v", p.Len(), sumScores(p), lc)
			}
		})
	}
}

func TestDecodeSICKErrors(t *testing.T) {
	hdr := "pair_ID\tsentence_A\tsentence_B\trelatedness_score\tentailment_judgment\n"
	for _, c := range []struct {
		name, in string
		line     int
		msg      string
	}{
		{"empty", "", 1, "empty file"},
		{"no score column", "pair_ID\tsentence_A\tsentence_B\n", 1, `lacks column "relatedness_score"`},
		{"few fields", hdr + "1\ta\tb\t4.5\tNEUTRAL\n2\ta\tb\n", 3, "3 tab-separated fields"},
		{"bad score", hdr + "1\ta\tb\tfour\tNEUTRAL\n", 2, `"four" is not a number`},
		{"out of range", hdr + "\n1\ta\tb\t5.5\tNEUTRAL\n", 3, "outside [1, 5]"},
		{"nan", hdr + "1\ta\tb\tNaN\tNEUTRAL\n", 2, "not finite"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := DecodeSICK(strings.NewReader(c.in), "s.txt")
			wantParseError(t, err, "s.txt", c.line, c.msg)
		})
	}
}

func TestReadSTS(t *testing.T) {
	t.Run("dir", func(t *testing.T) {
		p, err := ReadSTS("testdata/sts")
		if err != nil {
			t.Fatal(err)
		}
		wantSrc := []string{"2014/images.test", "2015/headlines.test", "orig/demo"}
		if !slices.Equal(p.Sources(), wantSrc) || p.Len() != 3+2+2 || p.Skipped != 2+1 {
			t.Fatalf("sources %v len %d skipped %d", p.Sources(), p.Len(), p.Skipped)
		}
		if q := p.Pairs[5]; q != (Pair{A: "A boy kicks a ball.", B: "A child kicks a ball.", Score: 4.2, Source: "orig/demo"}) {
			t.Fatalf("input/gs pair %+v", q)
		}
		if q := p.Pairs[4]; q.Score != 1.2 || q.B != "A woman reads a book." {
			t.Fatalf("pair after unscored rows %+v", q)
		}
	})
	t.Run("file", func(t *testing.T) {
		p, err := ReadSTS("testdata/sts/2014/images.test.tsv")
		if err != nil || p.Len() != 3 || p.Pairs[2].Score != 5 || p.Pairs[0].Source != "images.test" {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("shared", func(t *testing.T) {
		p, err := ReadSTS(sharedData(t, "text/sts"))
		if err != nil {
			t.Fatal(err)
		}
		// awk: 12092 scored rows summing to 36092.0007, 5500 unscored, 20 files.
		if p.Len() != 12092 || p.Skipped != 5500 || math.Abs(sumScores(p)-36092.0007) > 1e-3 || len(p.Sources()) != 20 {
			t.Fatalf("len %d skipped %d sum %.4f sources %d", p.Len(), p.Skipped, sumScores(p), len(p.Sources()))
		}
		test15 := p.Filter(func(q Pair) bool { return strings.HasPrefix(q.Source, "2015/") })
		if test15.Len() != 8500-5500 {
			t.Fatalf("2015 scored pairs %d, want 3000", test15.Len())
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name, in string
			line     int
			msg      string
		}{
			{"two fields", "1\ta\n", 1, "want 3"},
			{"bad score", "1\ta\tb\nx\ta\tb\n", 2, `"x" is not a number`},
			{"range", "5.01\ta\tb\n", 1, "outside [0, 5]"},
		} {
			_, err := DecodeSTS(strings.NewReader(c.in), "sts.tsv")
			wantParseError(t, err, "sts.tsv", c.line, c.msg)
		}
		d := t.TempDir()
		writeFile(t, filepath.Join(d, "STS.input.x.txt"), []byte("a\tb\nc\td\n"))
		_, err := ReadSTS(d)
		if err == nil || !strings.Contains(err.Error(), "STS.gs.x.txt") {
			t.Fatalf("missing gs: %v", err)
		}
		writeFile(t, filepath.Join(d, "STS.gs.x.txt"), []byte("1\n"))
		_, err = ReadSTS(d)
		wantParseError(t, err, filepath.Join(d, "STS.gs.x.txt"), 2, "missing")
		writeFile(t, filepath.Join(d, "STS.gs.x.txt"), []byte("1\n2\n3\n"))
		_, err = ReadSTS(d)
		wantParseError(t, err, filepath.Join(d, "STS.gs.x.txt"), 3, "extra score")
		if _, err := ReadSTS(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no *.tsv") {
			t.Fatalf("empty dir: %v", err)
		}
	})
}

func TestReadMSRP(t *testing.T) {
	p, err := ReadMSRP("testdata/msrp_sample.tsv")
	if err != nil {
		t.Fatal(err)
	}
	want := []Pair{
		{A: `The company said profits "rose" sharply.`, B: "Profits rose sharply, the company said.", Score: 1, Label: LabelParaphrase, Source: "msrp_sample"},
		{A: "Shares fell 3 percent on Monday.", B: "The firm hired a new chief executive.", Score: 0, Label: LabelNonParaphrase, Source: "msrp_sample"},
	}
	if p.Len() != 3 || p.Pairs[0] != want[0] || p.Pairs[1] != want[1] {
		t.Fatalf("got %+v", p.Pairs)
	}
	t.Run("shared", func(t *testing.T) {
		dir := sharedData(t, "text/msrp")
		for _, c := range []struct {
			file    string
			n, ones int
		}{{"msr-para-train.tsv", 3576, 2407}, {"msr-para-val.tsv", 500, 346}, {"msr-para-test.tsv", 1725, 1147}} {
			p, err := ReadMSRP(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if p.Len() != c.n || labelCounts(p)[LabelParaphrase] != c.ones || sumScores(p) != float64(c.ones) {
				t.Fatalf("%s: n=%d labels %v", c.file, p.Len(), labelCounts(p))
			}
		}
	})
	t.Run("errors", func(t *testing.T) {
		_, err := DecodeMSRP(strings.NewReader("Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\r\n2\t1\t2\ta\tb\r\n"), "m.tsv")
		wantParseError(t, err, "m.tsv", 2, `quality "2"`)
		_, err = DecodeMSRP(strings.NewReader("1\t1\t2\ta\n"), "m.tsv")
		wantParseError(t, err, "m.tsv", 1, "4 tab-separated fields, want 5")
	})
}

func TestReadPairs(t *testing.T) {
	t.Run("tsv", func(t *testing.T) {
		p, err := ReadPairs("testdata/pairs.tsv", PairColumns{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Len() != 2 || p.Pairs[1] != (Pair{A: "A man eats.", B: "The sky is blue.", Score: 0.5, Label: "different", Source: "pairs"}) {
			t.Fatalf("%+v", p.Pairs)
		}
	})
	t.Run("csv named columns", func(t *testing.T) {
		p, err := ReadPairs("testdata/pairs.csv", PairColumns{Score: "relevance"})
		if err != nil {
			t.Fatal(err)
		}
		if p.Len() != 2 || p.Pairs[0].B != "Paris is in France, on the Seine." || p.Pairs[1].B != `It is "very" tall.` || p.Pairs[1].Score != 0.5 {
			t.Fatalf("%+v", p.Pairs)
		}
	})
	t.Run("jsonl without score", func(t *testing.T) {
		p, err := ReadPairs("testdata/pairs.jsonl", PairColumns{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Len() != 2 || p.Pairs[1] != (Pair{A: "A man eats.", B: "A person is eating.", Score: 1, Source: "pairs"}) {
			t.Fatalf("%+v", p.Pairs)
		}
	})
	t.Run("jsonl numbers", func(t *testing.T) {
		p, err := DecodePairs(strings.NewReader(`{"s1":"x","s2":"y","score":2.5,"label":3}`+"\n"), "j.jsonl", FormatJSONL, PairColumns{})
		if err != nil || p.Pairs[0].Score != 2.5 || p.Pairs[0].Label != "3" {
			t.Fatalf("%+v %v", p, err)
		}
	})
	t.Run("errors", func(t *testing.T) {
		for _, c := range []struct {
			name   string
			format PairsFormat
			cols   PairColumns
			in     string
			line   int
			msg    string
		}{
			{"tsv no columns", FormatTSV, PairColumns{}, "x\ty\n", 1, "no first sentence column"},
			{"tsv named missing", FormatTSV, PairColumns{Score: "sim"}, "a\tb\n", 1, `no column "sim"`},
			{"tsv fields", FormatTSV, PairColumns{}, "a\tb\nx\ty\nz\n", 3, "1 tab-separated fields"},
			{"tsv score", FormatTSV, PairColumns{}, "a\tb\tscore\nx\ty\tinf\n", 2, "not finite"},
			{"csv quote", FormatCSV, PairColumns{}, "a,b\n\"x,y\n", 2, "quote"},
			{"csv fields", FormatCSV, PairColumns{}, "a,b\nx,y\nx\n", 3, "wrong number of fields"},
			{"jsonl syntax", FormatJSONL, PairColumns{}, `{"a":"x","b":"y"}` + "\n{oops\n", 2, "JSON"},
			{"jsonl missing key", FormatJSONL, PairColumns{}, `{"a":"x","b":"y"}` + "\n" + `{"a":"x"}` + "\n", 2, `missing key "b"`},
			{"jsonl number sentence", FormatJSONL, PairColumns{}, `{"a":1,"b":"y"}` + "\n", 1, "want a string"},
			{"jsonl null", FormatJSONL, PairColumns{}, "null\n", 1, "got null"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, err := DecodePairs(strings.NewReader(c.in), "p", c.format, c.cols)
				wantParseError(t, err, "p", c.line, c.msg)
			})
		}
		if _, err := ReadPairs("testdata/pairs.xml", PairColumns{}); err == nil || !strings.Contains(err.Error(), "extension") {
			t.Fatalf("unknown extension: %v", err)
		}
	})
}

// TestReaderLineEndings: LF, CRLF and lone CR give the same pairs, and a BOM
// is ignored.
func TestReaderLineEndings(t *testing.T) {
	base := "a\tb\tscore\nx\ty\t1\nz\tw\t2\n"
	var want []Pair
	for i, in := range []string{base, strings.ReplaceAll(base, "\n", "\r\n"), strings.ReplaceAll(base, "\n", "\r"), "\ufeff" + base} {
		p, err := DecodePairs(strings.NewReader(in), "p.tsv", FormatTSV, PairColumns{})
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			want = p.Pairs
			continue
		}
		if !slices.Equal(p.Pairs, want) {
			t.Fatalf("variant %d: %+v, want %+v", i, p.Pairs, want)
		}
	}
}

func TestScoredPairsHelpers(t *testing.T) {
	p := &ScoredPairs{Pairs: []Pair{{A: "a", Score: 1, Label: "y", Source: "s2"}, {A: "b", Score: 2, Label: "x", Source: "s1"}, {A: "c", Score: 3, Source: "s2"}}, ScoreMin: 0, ScoreMax: 5}
	if s := p.Subset([]int{2, 0}); s.Len() != 2 || s.Pairs[0].A != "c" || s.ScoreMax != 5 {
		t.Fatalf("Subset %+v", s)
	}
	if !slices.Equal(p.Sources(), []string{"s2", "s1"}) || !slices.Equal(p.Labels(), []string{"x", "y"}) || !slices.Equal(p.Scores(), []float64{1, 2, 3}) {
		t.Fatalf("Sources %v Labels %v Scores %v", p.Sources(), p.Labels(), p.Scores())
	}
}

func FuzzDecodePairs(f *testing.F) {
	for _, name := range []string{"pairs.tsv", "pairs.csv", "pairs.jsonl", "sick_sample.txt", "msrp_sample.tsv", "sts/2015/headlines.test.tsv"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("a\tb\n\r\r\n\xff\xfe\tz"))
	f.Fuzz(func(t *testing.T, in []byte) {
		check := func(p *ScoredPairs, err error, file string) {
			if err != nil {
				if !strings.Contains(err.Error(), file) {
					t.Fatalf("error %q does not name %s", err, file)
				}
				return
			}
			for _, q := range p.Pairs {
				if math.IsNaN(q.Score) || math.IsInf(q.Score, 0) {
					t.Fatalf("non-finite score in %+v", q)
				}
			}
		}
		for _, format := range []PairsFormat{FormatTSV, FormatCSV, FormatJSONL} {
			p, err := DecodePairs(strings.NewReader(string(in)), "fz.pairs", format, PairColumns{})
			check(p, err, "fz.pairs")
		}
		p, err := DecodeSICK(strings.NewReader(string(in)), "fz.sick")
		check(p, err, "fz.sick")
		p, err = DecodeSTS(strings.NewReader(string(in)), "fz.sts")
		check(p, err, "fz.sts")
		p, err = DecodeMSRP(strings.NewReader(string(in)), "fz.msrp")
		check(p, err, "fz.msrp")
	})
}
