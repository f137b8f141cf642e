package data

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// PairsFormat is the syntax of a generic pairs file.
type PairsFormat int

const (
	FormatAuto  PairsFormat = iota // chosen from the file extension
	FormatTSV                      // tab-separated, header line, no quoting (.tsv, .txt)
	FormatCSV                      // RFC 4180 comma-separated with header line (.csv)
	FormatJSONL                    // one JSON object per line (.jsonl, .ndjson)
)

// String returns "auto", "tsv", "csv" or "jsonl".
func (f PairsFormat) String() string {
	switch f {
	case FormatAuto:
		return "auto"
	case FormatTSV:
		return "tsv"
	case FormatCSV:
		return "csv"
	case FormatJSONL:
		return "jsonl"
	}
	return fmt.Sprintf("PairsFormat(%d)", int(f))
}

// ParsePairsFormat parses "tsv", "csv", "jsonl" or "auto".
func ParsePairsFormat(s string) (PairsFormat, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return FormatAuto, nil
	case "tsv", "txt":
		return FormatTSV, nil
	case "csv":
		return FormatCSV, nil
	case "jsonl", "ndjson":
		return FormatJSONL, nil
	}
	return FormatAuto, fmt.Errorf("data: pairs format %q, want tsv, csv or jsonl", s)
}

// PairColumns names the columns (or JSON keys) of a generic pairs file. An
// empty name is found among common names, case-insensitively:
//
//	A:     a, sentence1, sentence_a, s1, text_a, text1, premise, question1, anchor, query
//	B:     b, sentence2, sentence_b, s2, text_b, text2, hypothesis, question2, positive, document
//	Score: score, relatedness_score, similarity, similarity_score
//	Label: label, entailment_judgment, gold_label
//
// A and B are required. Without a score column every pair scores 1 (a positive
// pair, as anchor/positive files for in-batch-negative training); without a
// label column Label is empty.
type PairColumns struct {
	A, B, Score, Label string
}

var pairNames = [4][]string{
	{"a", "sentence1", "sentence_a", "s1", "text_a", "text1", "premise", "question1", "anchor", "query"},
	{"b", "sentence2", "sentence_b", "s2", "text_b", "text2", "hypothesis", "question2", "positive", "document"},
	{"score", "relatedness_score", "similarity", "similarity_score"},
	{"label", "entailment_judgment", "gold_label"},
}

// resolve finds the index of each column in header: A, B, Score, Label (-1
// when absent and optional).
func (c PairColumns) resolve(header []string) ([4]int, error) {
	want := [4]string{c.A, c.B, c.Score, c.Label}
	var idx [4]int
	find := func(name string) int {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), name) {
				return i
			}
		}
		return -1
	}
	for k := range idx {
		idx[k] = -1
		if want[k] != "" {
			if idx[k] = find(want[k]); idx[k] < 0 {
				return idx, fmt.Errorf("no column %q (columns: %s)", want[k], strings.Join(header, ", "))
			}
			continue
		}
		for _, n := range pairNames[k] {
			if idx[k] = find(n); idx[k] >= 0 {
				break
			}
		}
	}
	for k, what := range []string{"first sentence", "second sentence"} {
		if idx[k] < 0 {
			return idx, fmt.Errorf("no %s column (columns: %s; known names: %s)", what, strings.Join(header, ", "), strings.Join(pairNames[k], ", "))
		}
	}
	return idx, nil
}

// ReadPairs reads a generic pairs file whose syntax is given by its extension
// (.tsv/.txt, .csv, .jsonl/.ndjson); see DecodePairs.
func ReadPairs(path string, cols PairColumns) (*ScoredPairs, error) {
	return ReadPairsFormat(path, FormatAuto, cols)
}

// ReadPairsFormat is ReadPairs with an explicit format (FormatAuto uses the extension).
func ReadPairsFormat(path string, format PairsFormat, cols PairColumns) (*ScoredPairs, error) {
	if format == FormatAuto {
		switch strings.ToLower(filepath.Ext(path)) {
		case ".tsv", ".txt":
			format = FormatTSV
		case ".csv":
			format = FormatCSV
		case ".jsonl", ".ndjson":
			format = FormatJSONL
		default:
			return nil, fmt.Errorf("data: pairs: cannot tell the format of %q from its extension; want .tsv, .txt, .csv, .jsonl or .ndjson (or the option format=tsv|csv|jsonl)", path)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	return DecodePairs(f, path, format, cols)
}

// DecodePairs reads pairs from r in the given format (not FormatAuto). TSV and
// CSV need a header line naming the columns; JSONL objects name them by key
// (strings, or numbers for score and label). Score must be finite. name is
// used in errors and as Source.
func DecodePairs(r io.Reader, name string, format PairsFormat, cols PairColumns) (*ScoredPairs, error) {
	out := &ScoredPairs{}
	src := sourceName(name)
	add := func(line int, idx [4]int, f []string) error {
		p := Pair{A: f[idx[0]], B: f[idx[1]], Score: 1, Source: src}
		if idx[2] >= 0 {
			s, err := parseScore(f[idx[2]], 1, 0)
			if err != nil {
				return lineErr(name, line, "score: %v", err)
			}
			p.Score = s
		}
		if idx[3] >= 0 {
			p.Label = strings.TrimSpace(f[idx[3]])
		}
		out.Pairs = append(out.Pairs, p)
		return nil
	}
	var err error
	switch format {
	case FormatTSV:
		err = decodePairsTSV(r, name, cols, add)
	case FormatCSV:
		err = decodePairsCSV(r, name, cols, add)
	case FormatJSONL:
		err = decodePairsJSONL(r, name, cols, add)
	default:
		err = fmt.Errorf("data: pairs: %s: format %v, want tsv, csv or jsonl", name, format)
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

type addPair func(line int, idx [4]int, fields []string) error

func decodePairsTSV(r io.Reader, name string, cols PairColumns, add addPair) error {
	sc := newLineScanner(r, name)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return err
		}
		return lineErr(name, 1, "empty file, want a header line naming the columns")
	}
	header := splitFields(sc.Text())
	idx, err := cols.resolve(header)
	if err != nil {
		return lineErr(name, 1, "header: %v", err)
	}
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		f := splitFields(sc.Text())
		if len(f) != len(header) {
			return lineErr(name, sc.Line(), "%d tab-separated fields, the header has %d", len(f), len(header))
		}
		if err := add(sc.Line(), idx, f); err != nil {
			return err
		}
	}
	return sc.Err()
}

func decodePairsCSV(r io.Reader, name string, cols PairColumns, add addPair) error {
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); string(b) == "\ufeff" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return lineErr(name, 1, "empty file, want a header line naming the columns")
	}
	if err != nil {
		return csvErr(name, err)
	}
	header = append([]string(nil), header...)
	idx, err := cols.resolve(header)
	if err != nil {
		return lineErr(name, 1, "header: %v", err)
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		if err := add(line, idx, rec); err != nil {
			return err
		}
	}
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: name, Line: max(pe.Line, 1), Err: pe.Err}
	}
	return fmt.Errorf("data: read %q: %w", name, err)
}

func decodePairsJSONL(r io.Reader, name string, cols PairColumns, add addPair) error {
	sc := newLineScanner(r, name)
	var keys []string
	var idx [4]int
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var obj map[string]any
		if err := json.Unmarshal([]byte(line), &obj); err != nil {
			return lineErr(name, sc.Line(), "JSON: %v", err)
		}
		if obj == nil {
			return lineErr(name, sc.Line(), "want a JSON object, got null")
		}
		if keys == nil {
			for k := range obj {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			var err error
			if idx, err = cols.resolve(keys); err != nil {
				return lineErr(name, sc.Line(), "%v", err)
			}
		}
		f := make([]string, len(keys))
		for k, j := range idx {
			if j < 0 {
				continue
			}
			v, ok := lookupFold(obj, keys[j])
			if !ok {
				return lineErr(name, sc.Line(), "missing key %q", keys[j])
			}
			switch v := v.(type) {
			case string:
				f[j] = v
			case float64:
				if k < 2 {
					return lineErr(name, sc.Line(), "key %q: want a string, got a number", keys[j])
				}
				f[j] = strconv.FormatFloat(v, 'g', -1, 64)
			case bool:
				if k != 3 {
					return lineErr(name, sc.Line(), "key %q: want a string or number, got a boolean", keys[j])
				}
				f[j] = strconv.FormatBool(v)
			default:
				return lineErr(name, sc.Line(), "key %q: want a string or number, got %T", keys[j], v)
			}
		}
		if err := add(sc.Line(), idx, f); err != nil {
			return err
		}
	}
	if keys == nil && sc.Err() == nil {
		return nil
	}
	return sc.Err()
}

func lookupFold(obj map[string]any, key string) (any, bool) {
	if v, ok := obj[key]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, key) {
			return v, true
		}
	}
	return nil, false
}
