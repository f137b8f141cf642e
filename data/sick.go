package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ReadSICK reads a SICK file (Marelli et al. 2014, "A SICK cure for the
// evaluation of compositional distributional semantic models", LREC): TSV with
// the header pair_ID, sentence_A, sentence_B, relatedness_score,
// entailment_judgment (columns found by name, so SICK_test_annotated.txt and
// the full SICK.txt with extra columns work too). Score is the relatedness in
// [1, 5], Label the entailment judgment, Source the file name without extension.
func ReadSICK(path string) (*ScoredPairs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("data: read %q: %w", path, err)
	}
	defer f.Close()
	return DecodeSICK(f, path)
}

// DecodeSICK is ReadSICK on a stream; name is used in errors and as Source.
func DecodeSICK(r io.Reader, name string) (*ScoredPairs, error) {
	sc := newLineScanner(r, name)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, lineErr(name, 1, "empty file, want a SICK header (pair_ID, sentence_A, sentence_B, relatedness_score, entailment_judgment)")
	}
	hdr := splitFields(sc.Text())
	col := func(want string, required bool) (int, error) {
		for i, h := range hdr {
			if strings.EqualFold(strings.TrimSpace(h), want) {
				return i, nil
			}
		}
		if required {
			return -1, lineErr(name, 1, "SICK header lacks column %q (header: %q)", want, sc.Text())
		}
		return -1, nil
	}
	ia, err := col("sentence_A", true)
	if err != nil {
		return nil, err
	}
	ib, err := col("sentence_B", true)
	if err != nil {
		return nil, err
	}
	is, err := col("relatedness_score", true)
	if err != nil {
		return nil, err
	}
	il, _ := col("entailment_judgment", false)
	src := sourceName(name)
	out := &ScoredPairs{ScoreMin: 1, ScoreMax: 5}
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := splitFields(line)
		if len(f) != len(hdr) {
			return nil, lineErr(name, sc.Line(), "%d tab-separated fields, the header has %d", len(f), len(hdr))
		}
		score, err := parseScore(f[is], 1, 5)
		if err != nil {
			return nil, lineErr(name, sc.Line(), "relatedness_score: %v", err)
		}
		p := Pair{A: f[ia], B: f[ib], Score: score, Source: src}
		if il >= 0 {
			p.Label = strings.TrimSpace(f[il])
		}
		out.Pairs = append(out.Pairs, p)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// parseScore parses a finite number in [lo, hi] (no range check when lo > hi).
func parseScore(s string, lo, hi float64) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not finite", s)
	}
	if lo <= hi && (v < lo || v > hi) {
		return 0, fmt.Errorf("%v outside [%v, %v]", v, lo, hi)
	}
	return v, nil
}

// sourceName is the base name of path without its extension.
func sourceName(path string) string {
	b := filepath.Base(path)
	return strings.TrimSuffix(b, filepath.Ext(b))
}
